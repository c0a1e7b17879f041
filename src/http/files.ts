import { readFile, stat } from 'node:fs/promises'
import { LRUCache } from 'lru-cache'
import { NanoError } from '../define/errors.ts'
import { compress } from './compress.ts'
import { addVary, isFresh, notModified, weaken } from './conditional.ts'
import { COMPRESS_MIN_BYTES } from './encode.ts'
import type { Exchange, Reply } from './exchange.ts'
import { fileCacheControl } from './file-path.ts'
import { contentTypeOf, isCompressible } from './mime.ts'
import { type Coding, preferredCoding } from './negotiate.ts'
import { byteRange } from './range.ts'

/**
 * Limits of a {@link FileServer}.
 *
 * @example
 * const limits: FileLimits = { compressedBytes: 16 * 1024 * 1024 }
 */
export interface FileLimits {
  /** Total size of the compressed copies kept in memory. Default 32 MiB. */
  readonly compressedBytes?: number
  /** Largest file compressed (larger ones are sent as they are). Default 8 MiB. */
  readonly compressMaxBytes?: number
  /** Files up to this size are read whole; larger ones are streamed from disk. Default 64 KiB. */
  readonly readWholeBytes?: number
}

/**
 * Serves files from disk with validators and negotiation: `ETag` (size and mtime) and
 * `Last-Modified`, `304` for `If-None-Match` / `If-Modified-Since`, `Cache-Control` by name
 * ({@link fileCacheControl}), one `Range` (206, 416), and a brotli or gzip copy for a
 * compressible type, compressed once per version of the file and kept (bounded, least recently
 * used dropped first). `HEAD` reads nothing.
 *
 * @example
 * const files = new FileServer()
 * const reply = await files.serve(ex, '/app/public/robots.txt', headers)
 */
export class FileServer {
  readonly #compressed: LRUCache<string, Buffer>
  readonly #pending = new Map<string, Promise<Buffer>>()
  readonly #compressMax: number
  readonly #readWhole: number

  constructor(limits: FileLimits = {}) {
    this.#compressed = new LRUCache({
      maxSize: limits.compressedBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (bytes) => Math.max(1, bytes.length),
    })
    this.#compressMax = limits.compressMaxBytes ?? 8 * 1024 * 1024
    this.#readWhole = limits.readWholeBytes ?? 64 * 1024
  }

  /** Answers a `GET` or `HEAD` for `file`; `NANO_E_NOT_FOUND` when it is not a readable file. */
  async serve(ex: Exchange, file: string, headers: Record<string, string>): Promise<Reply> {
    const stats = await stat(file).catch(() => undefined)
    if (stats === undefined || !stats.isFile()) throw new NanoError('NANO_E_NOT_FOUND', `No file at ${ex.path}`)
    const { size, mtimeMs } = stats
    const etag = `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`
    const lastModified = new Date(mtimeMs).toUTCString()
    const type = contentTypeOf(file)
    const compressible = isCompressible(type) && size >= COMPRESS_MIN_BYTES && size <= this.#compressMax
    const reply: Reply = { status: 200, headers, body: '' }
    const ranged = ex.method === 'GET' && rangeStillValid(ex.header('if-range'), etag, lastModified)
    const range = ranged ? byteRange(ex.header('range'), size) : undefined
    if (range === 'unsatisfiable' && !isFresh(ex, etag, mtimeMs)) {
      headers['content-range'] = `bytes */${size}`
      throw new NanoError('NANO_E_RANGE_NOT_SATISFIABLE', `The file is ${size} bytes long`)
    }
    headers['content-type'] = type
    headers['cache-control'] = fileCacheControl(file)
    headers['last-modified'] = lastModified
    headers['x-content-type-options'] = 'nosniff'
    headers['accept-ranges'] = 'bytes'
    headers.etag = etag
    if (compressible) addVary(headers, 'Accept-Encoding')
    if (isFresh(ex, etag, mtimeMs)) return notModified(reply)
    if (range !== undefined && range !== 'unsatisfiable') {
      reply.status = 206
      headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`
      return this.#bytes(reply, file, range)
    }
    const coding = compressible ? preferredCoding(ex.header('accept-encoding')) : undefined
    if (coding === undefined) return this.#bytes(reply, file, { start: 0, end: size - 1 }, ex.method === 'HEAD')
    headers['content-encoding'] = coding
    headers.etag = weaken(etag)
    const bytes = await this.#compressedCopy(file, etag, coding)
    headers['content-length'] = String(bytes.length)
    if (ex.method !== 'HEAD') reply.body = bytes
    return reply
  }

  async #bytes(reply: Reply, file: string, span: { start: number; end: number }, head = false): Promise<Reply> {
    const { start, end } = span
    const length = end - start + 1
    reply.headers['content-length'] = String(length)
    if (length === 0 || head) return reply
    if (length > this.#readWhole) reply.file = { path: file, start, end }
    else {
      const whole = await readFile(file)
      reply.body = start === 0 && end === whole.length - 1 ? whole : whole.subarray(start, end + 1)
      reply.headers['content-length'] = String(reply.body.byteLength)
    }
    return reply
  }

  #compressedCopy(file: string, etag: string, coding: Coding): Promise<Buffer> {
    const key = `${coding}${etag}${file}`
    const kept = this.#compressed.get(key)
    if (kept !== undefined) return Promise.resolve(kept)
    let pending = this.#pending.get(key)
    if (pending === undefined) {
      pending = readFile(file)
        .then((whole) => compress(whole, coding, 'static'))
        .then((bytes) => {
          this.#compressed.set(key, bytes)
          return bytes
        })
        .finally(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }
}

/** `If-Range`: the range applies only while the file is the one the client has part of. */
function rangeStillValid(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true
  const value = ifRange.trim()
  return value.startsWith('"') || value.startsWith('W/') ? value === etag : value === lastModified
}
