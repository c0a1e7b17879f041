import { LocalTopicBus, type TopicBus, type TopicListener } from '../../runtime/topics.ts'
import { type IpcChannel, isTopicMessage, processChannel } from './channel.ts'

/**
 * Options of {@link IpcTopicBus}.
 *
 * @example
 * const options: IpcTopicBusOptions = { onError: (error, topic) => console.error(topic, error) }
 */
export interface IpcTopicBusOptions {
  /** Where messages go to and come from; default this process's channel to its primary. */
  readonly channel?: IpcChannel
  /** A listener threw; default: ignored. */
  readonly onError?: (error: unknown, topic: string) => void
}

/**
 * The {@link TopicBus} of a cluster worker: `publish` delivers to this worker's own listeners at
 * once (synchronously, like {@link LocalTopicBus}) and sends `{ nano: 'topic', topic, data }` to
 * the primary, which relays it to every other worker ({@link answerWorker}); a relayed message is
 * delivered to the local listeners only. Data crosses as JSON. Publishing while the channel is
 * closed (the worker is shutting down) still delivers locally and never throws.
 *
 * @example
 * const topics = new IpcTopicBus()
 * const server = await createServer({ root: './app', topics })
 */
export class IpcTopicBus implements TopicBus {
  readonly #local: LocalTopicBus
  readonly #channel: IpcChannel
  readonly #stop: () => void

  constructor(options: IpcTopicBusOptions = {}) {
    this.#local = new LocalTopicBus(options.onError)
    this.#channel = options.channel ?? processChannel()
    this.#stop = this.#channel.on((message) => {
      if (isTopicMessage(message)) this.#local.publish(message.topic, message.data)
    })
  }

  publish(topic: string, data: unknown): void {
    this.#local.publish(topic, data)
    this.#channel.send({ nano: 'topic', topic, data })
  }

  subscribe(topic: string, listener: TopicListener): () => void {
    return this.#local.subscribe(topic, listener)
  }

  /** Stops listening to the channel (local publishing still works). */
  close(): void {
    this.#stop()
  }
}
