import type { ObservedWork, Observer } from '../runtime/observer.ts'
import type { ByteSink, MaybeReply, Reply } from './exchange.ts'

/**
 * Answers with `answer()` between the observer's `begin` and `finish` for `work`, run inside
 * `observer.run` (so what the answer calls sees it as the parent). A streamed reply finishes when
 * its stream ends or its connection closes, whichever comes first; a failure finishes with 500.
 *
 * @example
 * return observeReply(observer, { kind: 'request', name: 'GET /', traceId, parentSpanId: undefined, state: undefined }, () => answer())
 */
export function observeReply(observer: Observer, work: ObservedWork, answer: () => MaybeReply): MaybeReply {
  observer.begin?.(work)
  let reply: MaybeReply
  try {
    reply = observer.run === undefined ? answer() : observer.run(work, answer)
  } catch (error) {
    observer.finish?.(work, 500, error)
    throw error
  }
  if (reply instanceof Promise) {
    return reply.then(
      (answered) => finished(observer, work, answered),
      (error: unknown) => {
        observer.finish?.(work, 500, error)
        throw error
      },
    )
  }
  return finished(observer, work, reply)
}

function finished(observer: Observer, work: ObservedWork, reply: Reply): Reply {
  const stream = reply.stream
  if (stream === undefined) {
    observer.finish?.(work, reply.status, undefined)
    return reply
  }
  let done = false
  const finish = (): void => {
    if (done) return
    done = true
    observer.finish?.(work, reply.status, undefined)
  }
  reply.stream = (sink: ByteSink) => {
    sink.onClose(finish)
    const watched: ByteSink = {
      write: (chunk) => sink.write(chunk),
      end: () => {
        sink.end()
        finish()
      },
      onClose: (listener) => sink.onClose(listener),
      buffered: () => sink.buffered(),
      drop: () => sink.drop(),
    }
    const run = (): void => stream(watched)
    if (observer.run === undefined) run()
    else observer.run(work, run)
  }
  return reply
}
