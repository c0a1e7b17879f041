import { NanoError } from '../define/errors.ts'
import type { LogSink } from '../runtime/logger.ts'
import { RUNNING } from '../runtime/running.ts'
import { ServiceBlame } from './attribution.ts'

/**
 * Options of {@link guardProcess}.
 *
 * @example
 * const options: GuardOptions = { log: runtime.log, roots: ['/app'], beforeExit: () => server.failInFlight() }
 */
export interface GuardOptions {
  /** Where the guards log (one `error` record per event, naming the service when known). */
  readonly log: LogSink
  /** Project folders whose `services/` files are looked for in stack traces. */
  readonly roots: readonly string[]
  /** Runs after an uncaught exception, before the process exits (answer requests in flight). */
  readonly beforeExit?: () => Promise<void>
  /** Ends the process; `process.exit` (the real one) by default. */
  readonly exit?: (code: number) => void
  /** The longest `beforeExit` may take. Default 2000 ms. */
  readonly exitWithinMs?: number
}

/**
 * Installs this process's guards against trusted services that misbehave, and returns a function
 * that removes them. From then on, `async` runs carry their service's name in their async context
 * (`RUNNING.tracksAsync`), for the guards to name it:
 * - an unhandled promise rejection is logged with the service it came from; the process goes on;
 * - an uncaught exception is logged with its service, `beforeExit` runs (answers the requests in
 *   flight), then the process exits with code 1, for its supervisor to start a fresh one (after
 *   an uncaught exception, the process's state cannot be trusted);
 * - `process.exit()` called by service code is refused: logged with the service's name, it
 *   throws `NANO_E_EXIT_REFUSED` (500) into the service instead. Elsewhere it exits as usual.
 *
 * @example
 * const unguard = guardProcess({ log: runtime.log, roots: [runtime.root], beforeExit: () => server.failInFlight() })
 */
export function guardProcess(options: GuardOptions): () => void {
  const { log } = options
  const blame = new ServiceBlame(options.roots)
  const realExit = process.exit
  const exit = options.exit ?? ((code: number) => realExit.call(process, code))
  let exiting = false

  const onRejection = (reason: unknown): void => {
    const service = blame.of(reason)
    log({
      level: 'error',
      message: `unhandled promise rejection${from(service)}`,
      time: Date.now(),
      service,
      error: reason,
    })
  }
  const onException = (error: unknown): void => {
    const service = blame.of(error)
    log({ level: 'error', message: `uncaught exception${from(service)}: exiting`, time: Date.now(), service, error })
    if (exiting) return
    exiting = true
    const drained = options.beforeExit?.().catch(() => {}) ?? Promise.resolve()
    const latest = new Promise<void>((resolve) => setTimeout(resolve, options.exitWithinMs ?? 2000).unref())
    void Promise.race([drained, latest]).then(() => exit(1))
  }
  const guardedExit = (code?: number | string | null): never => {
    const service = exiting ? undefined : blame.here()
    if (service === undefined) return realExit.call(process, code as number)
    log({ level: 'error', message: `service '${service}' called process.exit(): refused`, time: Date.now(), service })
    throw new NanoError('NANO_E_EXIT_REFUSED', `Service '${service}' may not end the process (process.exit)`, {
      service,
    })
  }

  const tracked = RUNNING.tracksAsync
  RUNNING.tracksAsync = true
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  process.exit = guardedExit as typeof process.exit
  return () => {
    RUNNING.tracksAsync = tracked
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtException', onException)
    if (process.exit === guardedExit) process.exit = realExit
  }
}

function from(service: string | undefined): string {
  return service === undefined ? ' (not from a service)' : ` from service '${service}'`
}
