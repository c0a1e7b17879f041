import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { NanoError } from '../../define/errors.ts'
import { MemoryCacheStore } from '../../runtime/cache/store.ts'
import { answerWorker } from './primary.ts'

/**
 * Options of {@link superviseWorkers}.
 *
 * @example
 * const options: SuperviseOptions = { count: 4, shutdownTimeoutMs: 10_000, log: (line) => console.error(line) }
 */
export interface SuperviseOptions {
  /** How many workers to keep running. */
  readonly count: number
  /** The workers' own graceful-shutdown bound; a worker still alive 2 s after it is killed. */
  readonly shutdownTimeoutMs: number
  /** Gets one line per event (a restart, the shutdown). */
  readonly log: (line: string) => void
  /** Added to each worker's environment. */
  readonly env?: Record<string, string>
}

const FIRST_DELAY_MS = 100
const MAX_DELAY_MS = 5_000
/** A worker that stayed up this long resets the restart backoff. */
const STABLE_AFTER_MS = 10_000
const KILL_GRACE_MS = 2_000

/**
 * Runs `count` workers of this program (`cluster.fork()`: the same script and arguments, with
 * `cluster.isWorker` true) in the primary process; they share the listening port (round robin).
 * A worker that exits is restarted, after a backoff (100 ms doubling to 5 s, back to 100 ms once
 * a worker has stayed up 10 s), each restart logged as one line. If a worker fails before any has
 * ever listened (a bad project, a port in use), it is a start-up failure: the others are stopped
 * and the promise resolves with that worker's exit code. On SIGTERM or SIGINT: no more restarts,
 * SIGTERM to every worker (each drains its requests), SIGKILL to any still alive after
 * `shutdownTimeoutMs` + 2 s (a second signal kills them at once); resolves once all have exited,
 * with 0 when all exited cleanly, else 1. The workers share a topic bus and a cache store through
 * this process ({@link answerWorker}).
 *
 * @example
 * if (cluster.isPrimary) process.exit(await superviseWorkers({ count: 2, shutdownTimeoutMs: 10_000, log: console.error }))
 */
export function superviseWorkers(options: SuperviseOptions): Promise<number> {
  if (!cluster.isPrimary) return Promise.reject(new NanoError('NANO_E_INTERNAL', 'superviseWorkers runs in a primary'))
  const { count, shutdownTimeoutMs, log, env } = options
  const store = new MemoryCacheStore()
  const live = new Map<number, { worker: Worker; startedAt: number }>()
  const restarts = new Set<NodeJS.Timeout>()
  let delay = FIRST_DELAY_MS
  let served = false
  let stopping = false
  let exitCode = 0
  let forceTimer: NodeJS.Timeout | undefined

  return new Promise<number>((resolve) => {
    const finish = (): void => {
      clearTimeout(forceTimer)
      process.off('SIGTERM', onSignal)
      process.off('SIGINT', onSignal)
      resolve(exitCode)
    }

    const stop = (reason: string): void => {
      stopping = true
      for (const timer of restarts) clearTimeout(timer)
      restarts.clear()
      if (live.size === 0) {
        finish()
        return
      }
      log(`nanoweb: ${reason}: stopping ${live.size} worker(s)`)
      for (const { worker } of live.values()) worker.process.kill('SIGTERM')
      forceTimer = setTimeout(killAll, shutdownTimeoutMs + KILL_GRACE_MS)
    }

    const killAll = (): void => {
      for (const { worker } of live.values()) {
        log(`nanoweb: worker ${worker.id} (pid ${worker.process.pid}) still running: killed`)
        worker.process.kill('SIGKILL')
      }
      exitCode = 1
    }

    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) killAll()
      else stop(signal)
    }

    const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
      const upMs = Date.now() - (live.get(worker.id)?.startedAt ?? Date.now())
      live.delete(worker.id)
      const how = `worker ${worker.id} (pid ${worker.process.pid}) exited (${signal === null ? `code ${code}` : `signal ${signal}`})`
      if (stopping) {
        if (code !== 0 && signal !== 'SIGTERM' && exitCode === 0) exitCode = 1
        if (live.size === 0) finish()
        return
      }
      if (!served) {
        exitCode = code === null || code === 0 ? 1 : code
        log(`nanoweb: ${how} before serving`)
        stop('start-up failed')
        return
      }
      if (upMs >= STABLE_AFTER_MS) delay = FIRST_DELAY_MS
      log(`nanoweb: ${how}; restarting in ${delay} ms`)
      const timer = setTimeout(() => {
        restarts.delete(timer)
        if (!stopping) fork()
      }, delay)
      restarts.add(timer)
      delay = Math.min(delay * 2, MAX_DELAY_MS)
    }

    const fork = (): void => {
      const worker = cluster.fork(env)
      live.set(worker.id, { worker, startedAt: Date.now() })
      worker.on('message', (message: unknown) => void answerWorker(worker, message, store))
      // Sending to a worker that has just died (Node hands it a connection): its exit follows.
      worker.on('error', () => {})
      worker.once('listening', () => {
        served = true
      })
      worker.once('exit', (code: number | null, signal: string | null) => onExit(worker, code, signal))
    }

    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    for (let i = 0; i < count; i += 1) fork()
  })
}

/**
 * Reads the value of `--workers`: `auto` (as many as the machine's cores,
 * `os.availableParallelism()`) or a positive whole number.
 *
 * @example
 * workerCount('4') // 4
 * workerCount('auto') // e.g. 8
 * workerCount('0') // throws NANO_E_BAD_REQUEST
 */
export function workerCount(value: string): number {
  const text = value.trim()
  if (text === 'auto') return availableParallelism()
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new NanoError('NANO_E_BAD_REQUEST', `--workers must be a positive integer or 'auto' (got "${value}")`)
  }
  return n
}
