import type { NatsOptions } from '../assembly/cluster-link.ts'
import type { Limits } from '../define/policy.ts'
import type { LogLevel } from '../runtime/logger.ts'
import { type ClusterFlags, clusterSettings } from './cluster-flags.ts'
import type { LogFormat, NanowebConfig } from './config.ts'

/**
 * Options of `nanoweb start` and `nanoweb dev` given on the command line or by the environment
 * (`--port`/`PORT`, `--host`/`HOST`, `--log-level`/`LOG_LEVEL`, `--log-format`/`LOG_FORMAT`;
 * the flag wins). What is left out
 * comes from the config file, else the defaults.
 *
 * @example
 * const o: ServeOptions = { port: 3000, host: '127.0.0.1', logLevel: 'warn' }
 */
export interface ServeOptions extends ClusterFlags {
  readonly port?: number
  readonly host?: string
  readonly logLevel?: LogLevel
  readonly logFormat?: LogFormat
  /** `nanoweb start --workers`: how many processes serve the one port (none: this process). */
  readonly workers?: number
}

/**
 * What a server is started with: the config file's options with the command line's and the
 * environment's on top, and the CLI's defaults for what neither sets.
 *
 * @example
 * const s: ServeSettings = { port: 3000, host: '127.0.0.1', logLevel: 'info', logFormat: 'json', accessLog: true }
 */
export interface ServeSettings
  extends Omit<
    NanowebConfig,
    'port' | 'host' | 'logLevel' | 'logFormat' | 'accessLog' | 'nats' | 'services' | 'limits'
  > {
  readonly isolateLimits?: Limits
  readonly nats?: NatsOptions
  readonly services?: readonly string[]
  readonly port: number
  readonly host: string
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
  readonly accessLog: boolean
}

/**
 * The CLI's defaults: port 3000 on 127.0.0.1, an access log, logs from `info` up as JSON lines
 * (`debug` and up, pretty, under `nanoweb dev`).
 *
 * @example
 * SERVE_DEFAULTS.port // 3000
 */
export const SERVE_DEFAULTS = { port: 3000, host: '127.0.0.1', accessLog: true } as const

/**
 * Merges, weakest first: the CLI's defaults, the config file, then the flags and environment
 * variables (commander has already let a flag win over its variable).
 *
 * @example
 * serveSettings({ options: { port: 8080 }, config: { port: 80, logLevel: 'warn' }, dev: false })
 * // { port: 8080, host: '127.0.0.1', logLevel: 'warn', logFormat: 'json', accessLog: true }
 */
export function serveSettings(input: {
  readonly options: ServeOptions
  readonly config: NanowebConfig
  readonly dev: boolean
}): ServeSettings {
  const { options, config, dev } = input
  const { port, host, logLevel, logFormat, accessLog, nats: _nats, services: _services, limits, ...rest } = config
  return {
    ...rest,
    ...(limits === undefined ? {} : { isolateLimits: limits }),
    ...clusterSettings(options, config),
    port: options.port ?? port ?? SERVE_DEFAULTS.port,
    host: options.host ?? host ?? SERVE_DEFAULTS.host,
    logLevel: options.logLevel ?? logLevel ?? (dev ? 'debug' : 'info'),
    logFormat: options.logFormat ?? logFormat ?? (dev ? 'pretty' : 'json'),
    accessLog: accessLog ?? SERVE_DEFAULTS.accessLog,
  }
}
