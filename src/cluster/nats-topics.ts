import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type { TopicBus, TopicListener } from '../runtime/topics.ts'
import { topicSubject } from './subjects.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

/**
 * Options of {@link NatsTopicBus}.
 *
 * @example
 * const options: NatsTopicBusOptions = { connection: nc, onError: (error, topic) => console.error(topic, error) }
 */
export interface NatsTopicBusOptions {
  readonly connection: NatsConnection
  /** A listener threw, a message was not JSON, or data could not be serialised; default: ignored. */
  readonly onError?: (error: unknown, topic: string) => void
}

/**
 * The NATS {@link TopicBus}: `publish` sends JSON on `nano.topic.<topic>` (see {@link topicSubject}),
 * and listeners get the messages of every node, this one included (NATS echoes a connection's own
 * messages back). One NATS subscription per topic however many listeners; delivery is
 * asynchronous, in publication order per publisher.
 *
 * @example
 * const topics = new NatsTopicBus({ connection: nc })
 * const rt = createRuntime({ root: './app', topics })
 * topics.subscribe('scores', (data) => console.log(data))
 * topics.publish('scores', { goal: true })
 */
export class NatsTopicBus implements TopicBus {
  readonly #nc: NatsConnection
  readonly #onError: (error: unknown, topic: string) => void
  readonly #topics = new Map<string, { sub: Subscription; listeners: Set<TopicListener> }>()

  constructor(options: NatsTopicBusOptions) {
    this.#nc = options.connection
    this.#onError = options.onError ?? (() => {})
  }

  publish(topic: string, data: unknown): void {
    try {
      this.#nc.publish(topicSubject(topic), data === undefined ? '' : toJson(data))
    } catch (error) {
      this.#onError(error, topic)
    }
  }

  subscribe(topic: string, listener: TopicListener): () => void {
    let entry = this.#topics.get(topic)
    if (entry === undefined) {
      const listeners = new Set<TopicListener>()
      const sub = this.#nc.subscribe(topicSubject(topic), {
        callback: (error, msg) => {
          if (error !== null) return this.#onError(error, topic)
          let data: unknown
          try {
            data = msg.data.length === 0 ? undefined : msg.json()
          } catch (cause) {
            return this.#onError(cause, topic)
          }
          for (const each of [...listeners]) {
            try {
              each(data, topic)
            } catch (thrown) {
              this.#onError(thrown, topic)
            }
          }
        },
      })
      entry = { sub, listeners }
      this.#topics.set(topic, entry)
    }
    const { listeners, sub } = entry
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size > 0 || this.#topics.get(topic)?.sub !== sub) return
      sub.unsubscribe()
      this.#topics.delete(topic)
    }
  }

  /** Ends every subscription (the connection stays open: it is the caller's). */
  close(): void {
    for (const { sub } of this.#topics.values()) sub.unsubscribe()
    this.#topics.clear()
  }
}
