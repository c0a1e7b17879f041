import { Worker } from 'node:worker_threads'
import type { LogSink } from '../runtime/logger.ts'
import { RUNNING } from '../runtime/running.ts'

/**
 * Options of {@link Watchdog}.
 *
 * @example
 * const options: WatchdogOptions = { stallLimitMs: 5000, log: runtime.log, report: true }
 */
export interface WatchdogOptions {
  /** How long the event loop may go without running before it counts as stalled. */
  readonly stallLimitMs: number
  /** Gets one record once a stall is over (how long, which service): `error` when a service's run stalled, else `warn`. */
  readonly log: LogSink
  /** Write a JSON line to stderr during the stall (from the watchdog thread). Default true. */
  readonly report?: boolean
}

const BEAT = 0
const STALLED = 1
const SERVICE = 2
const REPLACE = 3

/**
 * Notices a stalled event loop, from a worker thread: the main thread counts a heartbeat into
 * shared memory (an unref'd interval of a quarter of the limit, at most 500 ms); the thread sees
 * the count stop. During a stall the thread logs, to stderr, which service's `run` is executing
 * (it reads the slot the runtime writes around every run), and in replace mode
 * ({@link Watchdog.replaceOnStall}, for a supervised worker process) kills the process. Once the
 * loop runs again, the stall is logged through `log`, and {@link Watchdog.stalled} stays true
 * for one more `stallLimitMs` (the recovery window). Neither the thread nor the interval keeps
 * the process alive.
 *
 * @example
 * const watchdog = new Watchdog({ stallLimitMs: 5000, log: runtime.log })
 * if (watchdog.stalled()) reply503()
 * watchdog.close()
 */
export class Watchdog {
  readonly #state = new Int32Array(new SharedArrayBuffer(16))
  readonly #exitAt = new Float64Array(new SharedArrayBuffer(8))
  readonly #limitMs: number
  readonly #log: LogSink
  readonly #worker: Worker
  readonly #beat: NodeJS.Timeout
  readonly #stopNames: () => void
  #lastBeatAt = Date.now()
  #recoveredUntil = 0

  constructor(options: WatchdogOptions) {
    this.#limitMs = options.stallLimitMs
    this.#log = options.log
    const pollMs = Math.max(10, Math.min(250, Math.floor(this.#limitMs / 4)))
    this.#worker = new Worker(threadFile(), {
      workerData: {
        state: this.#state,
        running: RUNNING.slot,
        exitAt: this.#exitAt,
        limitMs: this.#limitMs,
        pollMs,
        report: options.report ?? true,
        names: RUNNING.names(),
      },
      resourceLimits: { maxOldGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    })
    this.#worker.unref()
    this.#worker.on('error', (error) =>
      this.#log({ level: 'error', message: 'the stall watchdog thread failed', time: Date.now(), error }),
    )
    // New names go to the thread in one message per turn: a start that loads 2,000 services
    // posted 2,000 messages (some 50 ms of its main thread). Flushed in a microtask, before the
    // loaded service can run.
    let pending: { id: number; name: string }[] = []
    this.#stopNames = RUNNING.watchNames((id, name) => {
      if (pending.push({ id, name }) > 1) return
      queueMicrotask(() => {
        this.#worker.postMessage(pending)
        pending = []
      })
    })
    this.#beat = setInterval(() => this.#tick(), Math.max(10, Math.min(500, Math.floor(this.#limitMs / 4))))
    this.#beat.unref()
  }

  #tick(): void {
    const now = Date.now()
    Atomics.add(this.#state, BEAT, 1)
    if (Atomics.load(this.#state, STALLED) === 1) {
      Atomics.store(this.#state, STALLED, 0)
      this.#recoveredUntil = now + this.#limitMs
      const service = RUNNING.nameOf(Atomics.load(this.#state, SERVICE))
      const stalledMs = now - this.#lastBeatAt
      const where = service === undefined ? 'outside any service run' : `in service '${service}'`
      this.#log({
        level: service === undefined ? 'warn' : 'error',
        message: `event loop was stalled for ${stalledMs} ms ${where}`,
        time: now,
        service,
        stalledMs,
      })
    }
    this.#lastBeatAt = now
  }

  /**
   * True while a stall is in progress, and for `stallLimitMs` after the loop runs again: a
   * request answered meanwhile (`/_nano/ready`) should be told this process is not ready.
   */
  stalled(): boolean {
    if (Atomics.load(this.#state, STALLED) === 1) return true
    return this.#recoveredUntil !== 0 && Date.now() < this.#recoveredUntil
  }

  /** From now on, a stall kills this process (SIGKILL) once logged, for its supervisor to replace it. */
  replaceOnStall(): void {
    Atomics.store(this.#state, REPLACE, 1)
  }

  /** Kills the process if it is still alive 1 s after `at` (ms since the epoch), even with its loop stalled. */
  exitBy(at: number): void {
    this.#exitAt[0] = at
  }

  /** Stops the heartbeat and the thread. */
  close(): void {
    clearInterval(this.#beat)
    this.#stopNames()
    void this.#worker.terminate()
  }
}

function threadFile(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
  return new URL(`./stall-thread.${ext}`, import.meta.url)
}
