import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node'

/**
 * What a {@link ReplyMux} request rejects with when NATS says nobody subscribes to the subject.
 *
 * @example
 * if (error === NO_RESPONDERS) directory.forget(service)
 */
export const NO_RESPONDERS: unique symbol = Symbol('nanoweb.noResponders')

interface Waiting {
  readonly resolve: (msg: Msg) => void
  readonly reject: (reason: unknown) => void
}

/**
 * Request-reply over one reply subscription per connection (`_INBOX.<id>.*`), with no timer, no
 * error object and no promise race per request: a request is one publish and one map entry.
 * Timeouts and lost calls are the caller's to settle, through {@link ReplyMux.cancel} (the
 * transport's sweep does it). No responders (the server's 503 status) rejects with
 * {@link NO_RESPONDERS}.
 *
 * @example
 * const mux = new ReplyMux(nc)
 * const msg = await mux.request('nano.svc.geo.lookup', body, headers, nuid.next())
 */
export class ReplyMux {
  readonly #nc: NatsConnection
  readonly #prefix: string
  readonly #waiting = new Map<string, Waiting>()
  readonly #sub: Subscription

  constructor(nc: NatsConnection) {
    this.#nc = nc
    this.#prefix = `${createInbox()}.`
    const skip = this.#prefix.length
    this.#sub = nc.subscribe(`${this.#prefix}*`, {
      callback: (error, msg) => {
        if (error !== null) return
        const token = msg.subject.slice(skip)
        const waiting = this.#waiting.get(token)
        if (waiting === undefined) return
        this.#waiting.delete(token)
        if (msg.data.length === 0 && msg.headers?.code === 503) waiting.reject(NO_RESPONDERS)
        else waiting.resolve(msg)
      },
    })
  }

  /** Publishes `body` to `subject` with a reply subject of its own; resolves with the reply. */
  request(subject: string, body: string, headers: MsgHdrs, token: string): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      this.#waiting.set(token, { resolve, reject })
      try {
        this.#nc.publish(subject, body, { reply: this.#prefix + token, headers })
      } catch (error) {
        this.#waiting.delete(token)
        reject(error)
      }
    })
  }

  /** Rejects a request still waiting with `reason` (a reply that comes later is dropped). */
  cancel(token: string, reason: unknown): void {
    const waiting = this.#waiting.get(token)
    if (waiting === undefined) return
    this.#waiting.delete(token)
    waiting.reject(reason)
  }

  /** Rejects every request still waiting, and stops listening. */
  close(reason: unknown): void {
    for (const waiting of this.#waiting.values()) waiting.reject(reason)
    this.#waiting.clear()
    if (!this.#sub.isClosed()) this.#sub.unsubscribe()
  }
}
