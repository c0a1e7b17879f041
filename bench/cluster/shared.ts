import type { BrokerOptions } from 'moleculer'

/** The subject of the raw NATS echo responder (the baseline). */
export const RAW_SUBJECT = 'bench.echo'

/**
 * Moleculer broker options for the bench: the NATS transporter (the `nats` v2 package), JSON
 * serializer (the default), and — for fairness, as nanoweb's remote call does none of these on
 * the caller — metrics, tracing and the parameter validator off; no logger.
 *
 * @example
 * new ServiceBroker(moleculerOptions('nats://127.0.0.1:4333', 'caller'))
 */
export function moleculerOptions(url: string, nodeID: string): BrokerOptions {
  return {
    nodeID: `${nodeID}-${process.pid}`,
    logger: false,
    metrics: false,
    tracing: false,
    validator: false,
    transporter: { type: 'NATS', options: { url } },
  }
}
