import { isNanoError, NanoError } from '../define/errors.ts'
import { retryAfterOf } from '../runtime/retry-after.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

/**
 * One HTTP request as the handlers see it, whichever server produced it (node:http or a
 * Web-standard `Request`).
 *
 * @example
 * const ex: Exchange = { method: 'GET', path: '/api/a', search: 'x=1', header: () => undefined, body: async () => new Uint8Array() }
 */
export interface Exchange {
  readonly method: string
  /** The path, still percent-encoded, without the query. */
  readonly path: string
  /** The query string without `?`, or ''. */
  readonly search: string
  /** A request header by lower-case name. */
  header(name: string): string | undefined
  /** The client's address, when the server knows it. */
  readonly remote?: string | undefined
  /**
   * The body, at most `limit` bytes; fails with `NANO_E_PAYLOAD_TOO_LARGE` without reading the
   * rest. Synchronous when the server has read it already.
   */
  body(limit: number): Uint8Array | Promise<Uint8Array>
}

/**
 * What a handler answers: status, headers and a complete body (text or bytes), or a body the
 * server adapter streams (`stream`, `file`).
 *
 * @example
 * const reply: Reply = { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }
 */
export interface Reply {
  status: number
  headers: Record<string, string>
  body: string | Uint8Array
  /** For a streamed body (a page still rendering, an event stream): writes it to the sink. */
  stream?: ((sink: ByteSink) => void) | undefined
  /** For a file too large to hold: the adapter streams these bytes of it (`content-length` is set). */
  file?: FileSpan | undefined
  /** The `HEAD` of a streamed answer: its length is not known, so no `content-length` is sent. */
  lengthUnknown?: boolean | undefined
  /**
   * The body as byte pieces, written in order without being joined (a page from its kept bytes);
   * `body` is '' then. Whoever needs one body joins them with {@link joinParts}.
   */
  parts?: readonly Uint8Array[] | undefined
}

/**
 * The reply with its {@link Reply.parts} joined into `body` (the reply itself, changed), for
 * whoever needs the body in one piece: compression, a Web `Response`.
 *
 * @example
 * joinParts({ status: 200, headers: {}, body: '', parts: [a, b] }).body // a and b in one buffer
 */
export function joinParts(reply: Reply): Reply {
  const parts = reply.parts
  if (parts === undefined) return reply
  reply.body = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)
  reply.parts = undefined
  return reply
}

/**
 * The byte length of a reply's body, its {@link Reply.parts} counted.
 *
 * @example
 * bodyLength({ status: 200, headers: {}, body: 'hé' }) // 3
 */
export function bodyLength(reply: Reply): number {
  const parts = reply.parts
  if (parts === undefined) return Buffer.byteLength(reply.body)
  let length = 0
  for (const part of parts) length += part.byteLength
  return length
}

/**
 * A byte range of a file on disk, both ends inclusive, as a reply's body.
 *
 * @example
 * const span: FileSpan = { path: '/app/public/intro.mp4', start: 0, end: 1_048_575 }
 */
export interface FileSpan {
  readonly path: string
  readonly start: number
  readonly end: number
}

/**
 * Where a streamed reply writes, as the server adapter provides it.
 *
 * @example
 * reply.stream = (sink) => { sink.write('data: 1\n\n'); sink.onClose(() => stop()) }
 */
export interface StreamSink {
  write(chunk: string): void
  end(): void
  /** Called once when the connection closes, whoever closed it. */
  onClose(listener: () => void): void
  /** Bytes written but not yet sent. */
  buffered(): number
  /** Closes the connection at once, dropping what is unsent. */
  drop(): void
}

/**
 * The sink a server adapter hands to a streamed reply: a {@link StreamSink} that also takes bytes
 * (what a compressed stream writes). A function written for a `StreamSink` accepts it.
 *
 * @example
 * const sink: ByteSink = { ...textSink, write: (chunk) => res.write(chunk) }
 */
export interface ByteSink extends StreamSink {
  write(chunk: string | Uint8Array): void
}

/**
 * A reply now, or later.
 *
 * @example
 * const r: MaybeReply = json(200, {})
 */
export type MaybeReply = Reply | Promise<Reply>

/**
 * A JSON reply.
 *
 * @example
 * json(200, { ok: true })
 */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  headers['content-type'] = 'application/json; charset=utf-8'
  return { status, headers, body: toJson(value) ?? 'null' }
}

/**
 * The JSON error reply for any thrown value: a NanoError keeps its status and code; anything
 * else is a 500 `NANO_E_INTERNAL` that says nothing of its cause. A 429 or 503 says when to
 * retry (`Retry-After`, whole seconds: when the error knows, else 1).
 *
 * @example
 * errorReply(new NanoError('NANO_E_NOT_FOUND', 'No service named x'))
 */
export function errorReply(error: unknown, headers: Record<string, string> = {}): Reply {
  const nano = isNanoError(error) ? error : new NanoError('NANO_E_INTERNAL', 'Internal error')
  if ((nano.status === 429 || nano.status === 503) && headers['retry-after'] === undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((retryAfterOf(nano) ?? 1000) / 1000)))
  }
  return json(nano.status, { error: nano.toJSON() }, headers)
}

/**
 * The `413` error for a body over `limit` bytes.
 *
 * @example
 * throw tooLarge(1024)
 */
export function tooLarge(limit: number): NanoError {
  return new NanoError('NANO_E_PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${limit} bytes`)
}
