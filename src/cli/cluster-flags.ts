import { type Command, InvalidArgumentError, Option } from 'commander'
import type { NatsOptions } from '../assembly/cluster-link.ts'
import type { NatsConfig } from './config.ts'

/**
 * The cluster flags of `nanoweb start` and `nanoweb dev` as commander parsed them.
 *
 * @example
 * const flags: ClusterFlags = { nats: ['nats://127.0.0.1:4222'], services: [] }
 */
export interface ClusterFlags {
  /** `--nats <url>[,<url>…]` (or `NATS_URL`). */
  readonly nats?: readonly string[]
  readonly natsCreds?: string
  readonly natsToken?: string
  readonly natsTlsCa?: string
  readonly natsTlsCert?: string
  readonly natsTlsKey?: string
  /** `--services <patterns>`: comma-separated globs, `none` for none. */
  readonly services?: readonly string[]
}

/**
 * Adds `--nats`, `--nats-creds`, `--nats-token`, `--nats-tls-ca|cert|key` and `--services` to a
 * command.
 *
 * @example
 * addClusterOptions(program.command('start'))
 */
export function addClusterOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--nats <urls>', 'join a NATS cluster: comma-separated server URLs, e.g. nats://10.0.0.1:4222')
        .argParser(urls)
        .env('NATS_URL'),
    )
    .addOption(new Option('--nats-creds <file>', 'NATS credentials file (JWT and NKey seed)'))
    .addOption(new Option('--nats-token <token>', 'NATS authentication token').env('NATS_TOKEN'))
    .addOption(new Option('--nats-tls-ca <file>', 'CA certificate that signs the NATS servers’ certificates'))
    .addOption(new Option('--nats-tls-cert <file>', 'client certificate for NATS (with --nats-tls-key)'))
    .addOption(new Option('--nats-tls-key <file>', 'key of the client certificate for NATS'))
    .addOption(
      new Option(
        '--services <patterns>',
        "the services this node runs: comma-separated globs on names, e.g. 'sport/**,fragments/live-*', or none (default: all)",
      ).argParser(patterns),
    )
}

/**
 * The runtime's `nats` and `services` options from the flags over the config file's.
 *
 * @example
 * clusterSettings({ nats: ['nats://127.0.0.1:4222'] }, { services: ['sport/**'] })
 * // { nats: { servers: ['nats://127.0.0.1:4222'] }, services: ['sport/**'] }
 */
export function clusterSettings(
  flags: ClusterFlags,
  config: { readonly nats?: NatsConfig; readonly services?: readonly string[] },
): { readonly nats?: NatsOptions; readonly services?: readonly string[] } {
  const services = flags.services ?? config.services
  const servers = flags.nats ?? config.nats?.servers
  if (servers === undefined) return services === undefined ? {} : { services }
  const tls = {
    ...config.nats?.tls,
    ...(flags.natsTlsCa === undefined ? {} : { caFile: flags.natsTlsCa }),
    ...(flags.natsTlsCert === undefined ? {} : { certFile: flags.natsTlsCert }),
    ...(flags.natsTlsKey === undefined ? {} : { keyFile: flags.natsTlsKey }),
  }
  const nats: NatsOptions = {
    ...config.nats,
    servers: typeof servers === 'string' ? servers : [...servers],
    ...(flags.natsToken === undefined ? {} : { token: flags.natsToken }),
    ...(flags.natsCreds === undefined ? {} : { credsFile: flags.natsCreds }),
    ...(Object.keys(tls).length === 0 ? {} : { tls }),
  }
  return services === undefined ? { nats } : { nats, services }
}

function urls(value: string): string[] {
  return commaList(value, 'give one or more NATS URLs, e.g. nats://127.0.0.1:4222')
}

function patterns(value: string): string[] {
  if (value.trim() === 'none') return []
  return commaList(value, "give glob patterns on service names, e.g. 'sport/**', or none")
}

function commaList(value: string, hint: string): string[] {
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (list.length === 0) throw new InvalidArgumentError(hint)
  return list
}
