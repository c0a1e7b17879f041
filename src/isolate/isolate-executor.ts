import { relative, sep } from 'node:path'
import ivm from 'isolated-vm'
import { type Duration, toMs } from '../define/duration.ts'
import type { Limits } from '../define/policy.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { Executor, ServiceSource } from '../runtime/ports.ts'
import { bundleBase, bundleService } from './bundle.ts'
import { hostDefinition } from './host-definition.ts'
import type { IsolateBase } from './isolate-instance.ts'
import { resolveLimits } from './limits.ts'
import { ServiceIsolate } from './service-isolate.ts'
import { SpareIsolates } from './spare-isolates.ts'

interface AppBase extends IsolateBase {
  readonly hasZod: boolean
  readonly spares: SpareIsolates
}

/** Run once when the base snapshot is made, so that the code it runs is compiled into the snapshot. */
const WARMUP = `(() => {
  const { core, zod } = globalThis.__nanoShared
  const z = zod && (zod.z ?? zod)
  if (z === undefined) return
  const item = z.object({ id: z.number().int(), name: z.string().min(1), tags: z.array(z.string()).default([]) })
  const def = core.service({ input: item, output: item.extend({ n: z.number().optional() }), run: (x) => x })
  def.input['~standard'].validate({ id: 1, name: 'x' })
  def.output['~standard'].validate({ id: 1, name: 'x', tags: [] })
  JSON.stringify([z.toJSONSchema(item), core.html\`<b>\${'x'}</b>\`.value])
})()`

/**
 * Options of the {@link IsolateExecutor}: default limits of every untrusted service (each may
 * set its own `limits`), and how long an isolate may sit idle before it is disposed.
 *
 * @example
 * const options: IsolateExecutorOptions = { limits: { memory: '64MB', cpu: '50ms' }, idle: '60s' }
 */
export interface IsolateExecutorOptions {
  readonly limits?: Limits
  /** Idle time after which an isolate is disposed (the next call makes a new one). Default '60s'. */
  readonly idle?: Duration
}

/**
 * An {@link Executor} that runs each service in its own V8 isolate: the file is bundled with its
 * dependencies (no Node.js modules), run in a fresh isolate to learn its definition, and kept
 * there for its calls. A reload bundles the file afresh; the old isolate is disposed once its
 * calls are over. Idle isolates are disposed after `idle`.
 *
 * @example
 * const executor = new IsolateExecutor({ idle: '30s' })
 * const def = await executor.load({ name: 'plugins/x', file: '/app/services/plugins/x.ts', root: '/app', reload: 0 })
 * await executor.close()
 */
export class IsolateExecutor implements Executor {
  readonly #limits: Limits | undefined
  readonly #idleMs: number
  readonly #bases = new Map<string, Promise<AppBase>>()
  readonly #current = new Map<string, ServiceIsolate>()
  readonly #all = new Set<ServiceIsolate>()
  #sweeper: NodeJS.Timeout | undefined
  #closed = false

  constructor(options: IsolateExecutorOptions = {}) {
    this.#limits = options.limits
    this.#idleMs = toMs(options.idle ?? '60s', 'isolateIdle')
  }

  async load(source: ServiceSource): Promise<ServiceDefinition> {
    const base = await this.#base(source.root)
    const code = await bundleService(source, { hasZod: base.hasZod })
    const file = relative(source.root, source.file).split(sep).join('/')
    const svc = new ServiceIsolate({
      name: source.name,
      file,
      code,
      base,
      appLimits: this.#limits,
      spares: base.spares,
    })
    let definition: ServiceDefinition
    try {
      definition = hostDefinition(svc.start(), file, (input, ctx) => svc.call(input, ctx))
    } catch (error) {
      svc.dispose()
      throw error
    }
    if (this.#closed) svc.dispose()
    const key = `${source.root}\u0000${source.name}`
    const previous = this.#current.get(key)
    if (previous !== undefined) previous.retired = true
    this.#current.set(key, svc)
    this.#all.add(svc)
    this.#arm()
    return definition
  }

  /** Disposes every isolate; calls still running end with `NANO_E_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper)
    this.#sweeper = undefined
    for (const svc of this.#all) svc.dispose()
    this.#all.clear()
    for (const base of this.#bases.values())
      void base.then(
        (b) => b.spares.close(),
        () => {},
      )
    this.#current.clear()
  }

  /** Isolates that exist now (for tests and benchmarks). */
  get liveIsolates(): number {
    let count = 0
    for (const svc of this.#all) if (svc.alive) count++
    return count
  }

  #base(root: string): Promise<AppBase> {
    let base = this.#bases.get(root)
    if (base === undefined) {
      const memoryMb = resolveLimits(undefined, this.#limits).memoryMb
      base = bundleBase(root).then(({ code, hasZod }) => {
        const made = { code, snapshot: snapshotOf(code) }
        return { ...made, hasZod, spares: new SpareIsolates(made, memoryMb) }
      })
      this.#bases.set(root, base)
    }
    return base
  }

  #arm(): void {
    if (this.#sweeper !== undefined || this.#closed) return
    const every = Math.min(5000, Math.max(10, this.#idleMs / 4))
    this.#sweeper = setInterval(() => this.#sweep(), every)
    this.#sweeper.unref()
  }

  #sweep(): void {
    const now = Date.now()
    for (const svc of this.#all) {
      if (svc.inFlight > 0) continue
      if (svc.alive && (svc.retired || now - svc.lastUsed >= this.#idleMs)) svc.dispose()
      if (svc.retired) this.#all.delete(svc)
    }
  }
}

function snapshotOf(code: string): ivm.ExternalCopy<ArrayBuffer> | undefined {
  try {
    return ivm.Isolate.createSnapshot([{ code, filename: 'nanoweb:isolate-base' }], WARMUP)
  } catch {
    return undefined
  }
}
