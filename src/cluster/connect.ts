import { connect, type NodeConnectionOptions } from '@nats-io/transport-node'
import type { Clock } from '../runtime/ports.ts'
import { NatsTransport } from './nats-transport.ts'

/**
 * Options of {@link connectNatsTransport}: NATS connection options (`servers`, auth, …) and the
 * transport's own.
 *
 * @example
 * const options: ConnectNatsTransportOptions = { servers: 'nats://127.0.0.1:4222', timeout: 10_000 }
 */
export interface ConnectNatsTransportOptions extends NodeConnectionOptions {
  /** See {@link NatsTransportOptions.clock}. */
  readonly clock?: Clock
  /** Request timeout (ms) of a call without a deadline; default 30 000. */
  readonly timeout?: number
}

/**
 * Connects to NATS and returns a {@link NatsTransport} that owns the connection (its `close()`
 * closes it), after one discovery round, so `has()` already knows what the other nodes run.
 *
 * @example
 * const transport = await connectNatsTransport({ servers: 'nats://127.0.0.1:4222' })
 * const rt = createRuntime({ root: './app', transport })
 * // …
 * await rt.close()
 * await transport.close()
 */
export async function connectNatsTransport(options: ConnectNatsTransportOptions): Promise<NatsTransport> {
  const { clock, timeout, ...nats } = options
  const connection = await connect({ noAsyncTraces: true, ...nats })
  const transport = new NatsTransport({ connection, clock, timeout, ownsConnection: true })
  await transport.discover()
  return transport
}
