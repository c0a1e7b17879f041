import cluster from 'node:cluster'
import type { Duration } from '../define/duration.ts'
import type { Limits } from '../define/policy.ts'
import { trustRouter } from '../isolate/trust-router.ts'
import { observerFor } from '../observe/index.ts'
import { BundledExecutor } from '../runtime/bundled-executor.ts'
import { importExecutor } from '../runtime/executor.ts'
import { type Executor, systemClock } from '../runtime/ports.ts'
import { createRuntime as createLocalRuntime, Runtime, type RuntimeOptions } from '../runtime/runtime.ts'
import { ClusterLink, type NatsOptions } from './cluster-link.ts'

/**
 * Options for untrusted services, which run in V8 isolates (see docs/security/isolates.md).
 *
 * @example
 * const o: IsolateOptions = { untrusted: ['plugins/**'], isolateLimits: { memory: '64MB', cpu: '50ms' }, isolateIdle: '60s' }
 */
export interface IsolateOptions {
  /**
   * Glob patterns on service names that run in isolates (besides every service whose spec says
   * `trust: 'untrusted'` literally). Such code is never imported into this process.
   */
  readonly untrusted?: readonly string[]
  /** Limits of every untrusted service that sets none of its own. Default `{ memory: '64MB', cpu: '50ms' }`. */
  readonly isolateLimits?: Limits
  /** An isolate unused for this long is disposed; the next call makes a new one. Default '60s'. */
  readonly isolateIdle?: Duration
}

/**
 * Options of {@link createRuntime}: the runtime's own, and `nats` to join a cluster.
 *
 * @example
 * const options: AppRuntimeOptions = { root: './app', nats: { servers: 'nats://127.0.0.1:4222' }, services: [] }
 */
export interface AppRuntimeOptions extends RuntimeOptions, IsolateOptions {
  /**
   * Join a NATS cluster: this runtime serves its services (those `services` selects) to the other
   * nodes and calls over NATS the services it does not run; `publish` reaches every node, and
   * `cache: { store: 'shared' }` results are kept in JetStream KV. Without it, nothing leaves the process.
   */
  readonly nats?: NatsOptions
  /**
   * Keep metrics (`rt.metrics()`, `GET /_nano/metrics`): on by default; `false` turns them off and
   * the call path pays nothing for them.
   */
  readonly metrics?: boolean
  /**
   * OpenTelemetry spans (docs/observe/tracing.md): by default made when an SDK is registered
   * through `@opentelemetry/api` before the runtime is created; `true` also sees an SDK registered
   * later, `false` never makes them.
   */
  readonly tracing?: boolean
  /**
   * Load trusted services from the bundle `nanoweb build` wrote to `<root>/.nanoweb/` when there
   * is one (each service whose file is unchanged since the build; the others are imported as
   * usual). Default true; `nanoweb dev` passes false. Ignored when `executor` is given.
   */
  readonly bundle?: boolean
}

/**
 * Creates a runtime for the services under `<root>/services`. Services marked untrusted
 * (`trust: 'untrusted'`, or named by `untrusted`) run in V8 isolates; the others come from the
 * bundle of `nanoweb build` when `<root>/.nanoweb/manifest.json` exists (see `bundle`). With `nats`, the runtime is a node
 * of a cluster (the connection is made in the background; `rt.warm()` resolves once the cluster
 * is known); with `services: []` too, it is a client of the cluster: `rt.call` reaches every
 * service any node runs.
 *
 * @example
 * const rt = createRuntime({ root: './app', nats: { servers: 'nats://127.0.0.1:4222' }, services: [] })
 * await rt.call('geo/lookup', { city: 'Leeds' })
 * await rt.close()
 */
export function createRuntime(options: AppRuntimeOptions): Runtime {
  const { nats, untrusted, isolateLimits, isolateIdle, metrics, tracing, bundle, ...own } = options
  const executor = trustRouter({
    untrusted,
    limits: isolateLimits,
    idle: isolateIdle,
    trusted: own.executor ?? trustedExecutor(own.root, bundle !== false),
  })
  let link: ClusterLink | undefined
  const labels = {
    get node(): string | undefined {
      return (own.transport ?? link)?.node
    },
    worker: cluster.isWorker ? String(cluster.worker?.id) : undefined,
  }
  const observer = observerFor({ metrics: metrics !== false, observer: own.observer, labels, tracing })
  const rest: RuntimeOptions = { ...own, executor, observer }
  if (nats === undefined) return createLocalRuntime(rest)
  let runtime: Runtime | undefined
  const clock = rest.clock ?? systemClock
  link = new ClusterLink(nats, clock, (error, topic) =>
    runtime?.log({ level: 'error', message: `a listener of topic '${topic}' failed`, time: clock.now(), error }),
  )
  runtime = new Runtime({
    ...rest,
    transport: rest.transport ?? link,
    ownsTransport: rest.transport === undefined,
    topics: rest.topics ?? link.topics,
    sharedCache: rest.sharedCache ?? link.sharedCache,
  })
  return runtime
}

function trustedExecutor(root: string, bundle: boolean): Executor {
  return bundle && BundledExecutor.builtIn(root) ? new BundledExecutor(root) : importExecutor
}
