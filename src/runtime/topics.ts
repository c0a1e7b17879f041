/**
 * A handler of published messages.
 *
 * @example
 * const onGoal: TopicListener = (data, topic) => console.log(topic, data)
 */
export type TopicListener = (data: unknown, topic: string) => void

/**
 * Where `ctx.publish` and `rt.publish` send messages. The runtime gets one injected; the local
 * one delivers in this process, a distributed one (NATS) can deliver across machines.
 *
 * @example
 * const bus: TopicBus = new LocalTopicBus()
 * const stop = bus.subscribe('scores', (data) => {})
 * bus.publish('scores', { goal: true })
 */
export interface TopicBus {
  publish(topic: string, data: unknown): void
  /** Returns a function that unsubscribes. */
  subscribe(topic: string, listener: TopicListener): () => void
}

/**
 * The in-process {@link TopicBus}: listeners run synchronously, in subscription order; one
 * listener throwing does not stop the others (the error goes to `onError`).
 *
 * @example
 * const bus = new LocalTopicBus((error) => console.error(error))
 */
export class LocalTopicBus implements TopicBus {
  readonly #listeners = new Map<string, Set<TopicListener>>()
  readonly #onError: (error: unknown, topic: string) => void

  constructor(onError: (error: unknown, topic: string) => void = () => {}) {
    this.#onError = onError
  }

  publish(topic: string, data: unknown): void {
    const listeners = this.#listeners.get(topic)
    if (listeners === undefined) return
    for (const listener of [...listeners]) {
      try {
        listener(data, topic)
      } catch (error) {
        this.#onError(error, topic)
      }
    }
  }

  subscribe(topic: string, listener: TopicListener): () => void {
    let listeners = this.#listeners.get(topic)
    if (listeners === undefined) {
      listeners = new Set()
      this.#listeners.set(topic, listeners)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0) this.#listeners.delete(topic)
    }
  }
}
