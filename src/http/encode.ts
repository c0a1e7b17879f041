import { compress, compressedStream } from './compress.ts'
import { addVary, weaken } from './conditional.ts'
import { bodyLength, type Exchange, joinParts, type MaybeReply, type Reply } from './exchange.ts'
import { isCompressible } from './mime.ts'
import { preferredCoding } from './negotiate.ts'

/**
 * Bodies smaller than this many bytes are sent as they are: compressing them saves less than it
 * costs. Streamed replies (whose size is not known) are always candidates.
 *
 * @example
 * COMPRESS_MIN_BYTES // 1024
 */
export const COMPRESS_MIN_BYTES = 1024

/**
 * True when a body is at least `bytes` long, without measuring short strings (a UTF-16 unit is
 * at most 3 bytes of UTF-8).
 *
 * @example
 * atLeastBytes('{"ok":true}', 1024) // false
 */
export function atLeastBytes(body: string | Uint8Array, bytes: number): boolean {
  if (typeof body !== 'string') return body.byteLength >= bytes
  if (body.length >= bytes) return true
  return body.length * 3 >= bytes && Buffer.byteLength(body) >= bytes
}

/**
 * Compresses a reply for the client when worth it: a compressible type (text, JSON, JS, SVG…,
 * never an event stream or an already compressed format), a body of at least
 * {@link COMPRESS_MIN_BYTES} or a stream, and a client that accepts brotli or gzip. Such replies
 * get `Vary: Accept-Encoding` whatever the client accepts; a compressed one's ETag is weakened.
 * A small body returns at once, untouched (the synchronous fast path); a larger one is
 * compressed off the main thread; a stream is compressed chunk by chunk, each chunk flushed.
 * Replies that already carry a `content-encoding`, and file replies, are left alone.
 *
 * @example
 * const sent = await encodeReply(ex, reply)
 */
export function encodeReply(ex: Exchange, reply: Reply): MaybeReply {
  const stream = reply.stream
  const small =
    reply.parts === undefined ? !atLeastBytes(reply.body, COMPRESS_MIN_BYTES) : bodyLength(reply) < COMPRESS_MIN_BYTES
  if (stream === undefined && small) return reply
  const headers = reply.headers
  if (reply.file !== undefined || headers['content-encoding'] !== undefined) return reply
  if (!isCompressible(headers['content-type'])) return reply
  addVary(headers, 'Accept-Encoding')
  const coding = preferredCoding(ex.header('accept-encoding'))
  if (coding === undefined) return reply
  headers['content-encoding'] = coding
  if (headers.etag !== undefined) headers.etag = weaken(headers.etag)
  if (stream !== undefined) {
    reply.stream = compressedStream(stream, coding)
    return reply
  }
  delete headers['content-length']
  joinParts(reply)
  return compress(reply.body, coding, 'dynamic').then((bytes) => {
    reply.body = bytes
    return reply
  })
}
