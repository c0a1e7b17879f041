/**
 * Helpers for the HTTP tests that must see the bytes as sent (no automatic decompression, unlike
 * `fetch`): a plain node:http request, and a raw-socket reader that decodes a chunked, compressed
 * stream as it arrives.
 */
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { brotliDecompressSync, createBrotliDecompress, createGunzip, gunzipSync } from 'node:zlib'

/** An answer as sent: status, headers (lower-case names), body bytes. */
export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** The body decompressed as its `content-encoding` says, as text. */
  text: string
}

/**
 * Sends one request with node:http and reads the answer without decoding it.
 *
 * @example
 * const a = await raw(`${url}/robots.txt`, { headers: { 'accept-encoding': 'br' } })
 */
export function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const headers = res.headers
        resolve({ status: res.statusCode ?? 0, headers, body, text: decode(body, headers['content-encoding']) })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

function decode(body: Buffer, coding: string | string[] | undefined): string {
  if (body.length === 0) return ''
  if (coding === 'br') return brotliDecompressSync(body).toString()
  if (coding === 'gzip') return gunzipSync(body).toString()
  return body.toString()
}

/** A piece of decompressed text and when it came out of the decompressor (ms after sending). */
export interface Decoded {
  at: number
  text: string
}

/**
 * GETs `path` over a raw socket with `accept-encoding: <coding>` and decompresses the chunked
 * body as its bytes arrive, recording each decompressed piece with its time: proof of what the
 * client could read before what.
 *
 * @example
 * const { head, pieces } = await streamDecoded(port, '/', 'gzip')
 */
export function streamDecoded(
  port: number,
  path: string,
  coding: 'gzip' | 'br',
): Promise<{ head: string; pieces: Decoded[]; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const started = Date.now()
    const pieces: Decoded[] = []
    const unzip = coding === 'br' ? createBrotliDecompress() : createGunzip()
    unzip.on('data', (bytes: Buffer) => pieces.push({ at: Date.now() - started, text: bytes.toString() }))
    unzip.on('error', reject)
    let pending = Buffer.alloc(0)
    let head: string | undefined
    socket.write(`GET ${path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\naccept-encoding: ${coding}\r\n\r\n`)
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data])
      if (head === undefined) {
        const split = pending.indexOf('\r\n\r\n')
        if (split === -1) return
        head = pending.subarray(0, split).toString()
        pending = pending.subarray(split + 4)
      }
      for (;;) {
        const eol = pending.indexOf('\r\n')
        if (eol === -1) return
        const size = Number.parseInt(pending.subarray(0, eol).toString(), 16)
        if (size === 0) {
          unzip.end()
          return
        }
        if (pending.length < eol + 2 + size + 2) return
        unzip.write(pending.subarray(eol + 2, eol + 2 + size))
        pending = pending.subarray(eol + 2 + size + 2)
      }
    })
    socket.on('error', reject)
    unzip.on('end', () => {
      socket.destroy()
      resolve({ head: head ?? '', pieces, text: pieces.map((p) => p.text).join('') })
    })
  })
}
