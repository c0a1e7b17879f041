import type { AppServerOptions } from '../assembly/create-server.ts'
import type { Limits } from '../define/policy.ts'

/**
 * The options of {@link createServer} that an app sets in `nanoweb.config.ts` (all but `runtime`
 * and `root`, and the ones that take code rather than data: `logger`, `cacheStore`, `topics`,
 * `executor`, `transport`, `observer`, `clock`, `onInvalidFile`), plus `accessLog`.
 * `nanoweb start` and `nanoweb dev` read them; `PORT`, `HOST` and `LOG_LEVEL` override the
 * file, and command-line flags override both.
 *
 * @example
 * const config: NanowebConfig = { port: 8080, logLevel: 'warn', user: { cookie: 'uid' } }
 */
export interface NanowebConfig
  extends Pick<
    AppServerOptions,
    | 'port'
    | 'host'
    | 'bodyLimit'
    | 'title'
    | 'version'
    | 'user'
    | 'live'
    | 'warm'
    | 'shutdownTimeoutMs'
    | 'logLevel'
    | 'logLevels'
    | 'maxCallDepth'
    | 'maxCallsPerRequest'
    | 'stallLimit'
    | 'validateInternalCalls'
    | 'fastValidationAfter'
    | 'cacheLimits'
    | 'services'
    | 'cacheStoreDefault'
    | 'auth'
    | 'admin'
    | 'production'
    | 'rateLimit'
    | 'trustProxy'
    | 'connections'
    | 'breaker'
    | 'untrusted'
    | 'isolateIdle'
    | 'securityHeaders'
    | 'csp'
    | 'cors'
    | 'metrics'
  > {
  /** Limits of untrusted services that set none of their own (`isolateLimits`): `{ memory: '64MB', cpu: '50ms' }`. */
  readonly limits?: Limits
  /** Join a NATS cluster (the NATS client's connection options: servers, token, credsFile, tls, …). */
  readonly nats?: NatsConfig
  /** One log record per request (method, path, status, duration, request id). Default true under the CLI. */
  readonly accessLog?: boolean
  /** How logs are written to stderr: JSON lines (`start`'s default) or `pretty` (`dev`'s default). */
  readonly logFormat?: LogFormat
}

/**
 * How `nanoweb start`/`dev` write logs: one JSON object per line, or a line for a person to read.
 *
 * @example
 * const format: LogFormat = 'pretty'
 */
export type LogFormat = 'json' | 'pretty'

/**
 * Declares an app's configuration, in `nanoweb.config.ts` at the app root: returns it unchanged,
 * typed, so the editor completes and checks every option. `nanoweb start`/`dev` load the file
 * and check it against its schema at start.
 *
 * @example
 * // nanoweb.config.ts
 * import { defineConfig } from '@nanoweb/core'
 *
 * export default defineConfig({ port: 8080, host: '0.0.0.0', logLevel: 'info', warm: 'all' })
 */
export function defineConfig(config: NanowebConfig): NanowebConfig {
  return config
}

/**
 * The `nats` option of the config file: where the cluster's NATS servers are and how to
 * authenticate (`--nats`, `--nats-creds`, `--nats-token` and the `--nats-tls-*` flags win).
 *
 * @example
 * const nats: NatsConfig = { servers: ['nats://10.0.0.1:4222'], credsFile: '/etc/nats/app.creds' }
 */
export interface NatsConfig {
  readonly servers: string | readonly string[]
  readonly token?: string
  readonly user?: string
  readonly pass?: string
  readonly credsFile?: string
  readonly name?: string
  readonly cacheBucket?: string
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string }
}
