import {
  type BrotliOptions,
  brotliCompress,
  constants,
  createBrotliCompress,
  createGzip,
  gzip,
  type ZlibOptions,
} from 'node:zlib'
import type { ByteSink } from './exchange.ts'
import type { Coding } from './negotiate.ts'

/**
 * How hard to compress: `dynamic` for answers made per request (brotli 4, gzip 6: fast, most of
 * the gain), `static` for files compressed once and kept (brotli 9, gzip 9).
 *
 * @example
 * const effort: Effort = 'static'
 */
export type Effort = 'dynamic' | 'static'

const BROTLI: Readonly<Record<Effort, BrotliOptions>> = {
  dynamic: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  static: { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } },
}
const GZIP: Readonly<Record<Effort, ZlibOptions>> = { dynamic: { level: 6 }, static: { level: 9 } }

/**
 * Compresses a whole body off the main thread (zlib's thread pool).
 *
 * @example
 * const bytes = await compress('{"a":1}', 'br', 'dynamic')
 */
export function compress(body: string | Uint8Array, coding: Coding, effort: Effort): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, bytes: Buffer): void => (error === null ? resolve(bytes) : reject(error))
    if (coding === 'br') brotliCompress(body, BROTLI[effort], done)
    else gzip(body, GZIP[effort], done)
  })
}

const BROTLI_STREAM: BrotliOptions = { ...BROTLI.dynamic, flush: constants.BROTLI_OPERATION_FLUSH }
const GZIP_STREAM: ZlibOptions = { ...GZIP.dynamic, flush: constants.Z_SYNC_FLUSH }

/**
 * Wraps a streamed reply so that it reaches the sink compressed. Every chunk the reply writes is
 * flushed through the compressor at once (gzip `Z_SYNC_FLUSH`, brotli `BROTLI_OPERATION_FLUSH`),
 * so a page's head and first fragments reach the client before the slow ones are rendered; the
 * cost is a few bytes per chunk. Closing or dropping either side ends the other.
 *
 * @example
 * reply.stream = compressedStream(reply.stream, 'gzip')
 */
export function compressedStream(stream: (sink: ByteSink) => void, coding: Coding): (sink: ByteSink) => void {
  return (sink) => {
    const z = coding === 'br' ? createBrotliCompress(BROTLI_STREAM) : createGzip(GZIP_STREAM)
    let open = true
    const stop = (): boolean => {
      const was = open
      open = false
      return was
    }
    z.on('data', (bytes: Buffer) => {
      if (open) sink.write(bytes)
    })
    z.on('end', () => {
      if (stop()) sink.end()
    })
    z.on('error', () => {
      if (stop()) sink.drop()
    })
    sink.onClose(() => {
      open = false
      z.destroy()
    })
    stream({
      write: (chunk) => {
        if (open) z.write(chunk)
      },
      end: () => {
        if (open) z.end()
      },
      onClose: (listener) => sink.onClose(listener),
      buffered: () => sink.buffered() + z.writableLength,
      drop: () => {
        if (!stop()) return
        z.destroy()
        sink.drop()
      },
    })
  }
}
