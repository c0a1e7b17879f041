import { connect } from 'node:net'

/** One piece of a streamed HTTP response and when it arrived (ms after the request was sent). */
export interface Arrival {
  at: number
  text: string
}

/**
 * GETs `path` over a raw socket and records every piece of the response as it arrives, so a test
 * can prove what was sent before what. Resolves when the server closes or ends the response.
 *
 * @example
 * const { head, arrivals, body } = await streamGet(port, '/')
 */
export function streamGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ head: string; status: number; arrivals: Arrival[]; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const started = Date.now()
    const arrivals: Arrival[] = []
    let raw = ''
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')
    socket.write(`GET ${path} HTTP/1.1\r\nhost: test\r\nconnection: close\r\n${extra}\r\n`)
    socket.on('data', (data) => {
      const text = data.toString()
      raw += text
      arrivals.push({ at: Date.now() - started, text })
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const split = raw.indexOf('\r\n\r\n')
      const head = raw.slice(0, split)
      const status = Number(head.split(' ')[1])
      resolve({ head, status, arrivals, body: dechunk(raw.slice(split + 4), head) })
    })
  })
}

function dechunk(body: string, head: string): string {
  if (!/transfer-encoding: chunked/i.test(head)) return body
  let out = ''
  let rest = body
  for (;;) {
    const eol = rest.indexOf('\r\n')
    const size = Number.parseInt(rest.slice(0, eol), 16)
    if (!(size > 0)) return out
    const bytes = Buffer.from(rest.slice(eol + 2))
    out += bytes.subarray(0, size).toString()
    rest = bytes.subarray(size + 2).toString()
  }
}
