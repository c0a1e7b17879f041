import { encodeReply } from './encode.ts'
import { bodyLength, type Exchange, type MaybeReply, type Reply } from './exchange.ts'

/**
 * The last step of every answer: compressed when worth it ({@link encodeReply}); then, for
 * `HEAD`, the same headers as `GET` (its `Content-Length` too) without the body. Synchronous
 * when nothing had to be compressed.
 *
 * @example
 * return settle(ex, json(200, value, headers))
 */
export function settle(ex: Exchange, reply: Reply): MaybeReply {
  const encoded = encodeReply(ex, reply)
  if (ex.method !== 'HEAD') return encoded
  return encoded instanceof Promise ? encoded.then(withoutBody) : withoutBody(encoded)
}

function withoutBody(reply: Reply): Reply {
  if (reply.stream !== undefined) {
    reply.stream = undefined
    reply.lengthUnknown = true
  } else if (reply.file !== undefined) reply.file = undefined
  else if (reply.status !== 304 && reply.status !== 204) {
    reply.headers['content-length'] ??= String(bodyLength(reply))
  }
  reply.body = ''
  reply.parts = undefined
  return reply
}
