import { type Duration, toMs } from '../define/duration.ts'
import { isNanoError, NanoError } from '../define/errors.ts'
import type { LogSink } from './logger.ts'
import type { Clock } from './ports.ts'
import { withRetryAfter } from './retry-after.ts'

/**
 * The circuit breaker's settings: open after `failures` failures in a row (default 5) that came
 * within `window` of the first (default 60 s), and stay open for `coolDown` (default 10 s).
 *
 * @example
 * const options: BreakerOptions = { failures: 3, coolDown: '30s' }
 */
export interface BreakerOptions {
  readonly failures?: number
  readonly coolDown?: Duration
  readonly window?: Duration
}

/** One service's circuit; absent while it has no failure to its name. */
interface Circuit {
  failures: number
  firstAt: number
  /** 0 while closed; else open until then, half-open after. */
  openUntil: number
  /** While half-open: a trial call is out until then (one at a time). */
  trialUntil: number
}

/** Codes that say nothing of the called service's health: the caller's or the gate's doing. */
const NEUTRAL = new Set([
  'NANO_E_ABORTED',
  'NANO_E_OVERLOADED',
  'NANO_E_CLOSED',
  'NANO_E_CALL_DEPTH',
  'NANO_E_CALL_TREE',
])

/**
 * A circuit breaker per called service (local or remote). A call that fails through the
 * service's fault (5xx: it threw, passed its own deadline, or no node could run it) counts; a
 * success or a 4xx answer (bad input, not found, forbidden: the service answered) clears the
 * count. A call cut short by a deadline its caller set (its caller's `timeout`, a page budget)
 * counts neither way: the many calls one late caller gives up on at once say nothing of the
 * called service. After `failures` in a row the circuit opens: calls fail at once with
 * `NANO_E_UNAVAILABLE` (naming the service and when it is retried) without reaching the service.
 * After `coolDown` one trial call goes through (half-open): its success closes the circuit, its
 * failure opens it again. Nothing is kept, and next to nothing is paid, for services that do not
 * fail: `tripped` and `tracked` are plain counters the call path reads before doing anything.
 *
 * @example
 * const board = new BreakerBoard({ failures: 5, coolDown: '10s' }, systemClock, log)
 * const refused = board.tripped === 0 ? undefined : board.refuse('geo/lookup')
 */
export class BreakerBoard {
  /** Circuits open or half-open now. */
  tripped = 0
  /** Circuits with at least one failure to their name. */
  tracked = 0
  readonly #threshold: number
  readonly #coolDownMs: number
  readonly #windowMs: number
  readonly #clock: Clock
  readonly #log: LogSink
  readonly #circuits = new Map<string, Circuit>()

  constructor(options: BreakerOptions | false | undefined, clock: Clock, log: LogSink) {
    const settings = options === false ? {} : (options ?? {})
    this.#threshold = options === false ? Number.POSITIVE_INFINITY : (settings.failures ?? 5)
    this.#coolDownMs = toMs(settings.coolDown ?? '10s', 'breaker.coolDown')
    this.#windowMs = toMs(settings.window ?? '60s', 'breaker.window')
    this.#clock = clock
    this.#log = log
    if (!(this.#threshold >= 1)) throw new TypeError('`breaker.failures` must be a whole number of 1 or more')
  }

  /**
   * `NANO_E_UNAVAILABLE` when calls of `name` fail fast now; else undefined, and when the circuit
   * is half-open this call is its one trial.
   */
  refuse(name: string): NanoError | undefined {
    const circuit = this.#circuits.get(name)
    if (circuit === undefined || circuit.openUntil === 0) return undefined
    const now = this.#clock.now()
    const until = Math.max(circuit.openUntil, circuit.trialUntil)
    if (now < until) return unavailable(name, circuit.failures, until - now)
    circuit.trialUntil = now + this.#coolDownMs
    return undefined
  }

  /** A call of `name` answered: its circuit closes and forgets its failures. */
  succeeded(name: string): void {
    const circuit = this.#circuits.get(name)
    if (circuit === undefined) return
    this.#circuits.delete(name)
    this.tracked -= 1
    if (circuit.openUntil !== 0) {
      this.tripped -= 1
      this.#log({ level: 'info', message: `circuit of '${name}' closed`, time: this.#clock.now(), service: name })
    }
  }

  /** A call of `name` failed with `error`: counts it when it is the service's fault. */
  failed(name: string, error: unknown): void {
    const status = isNanoError(error) ? error.status : 500
    if (isNanoError(error) && (NEUTRAL.has(error.code) || cutShortByCaller(name, error))) {
      const circuit = this.#circuits.get(name)
      if (circuit !== undefined) circuit.trialUntil = 0
      return
    }
    if (status < 500) {
      if (this.tracked !== 0) this.succeeded(name)
      return
    }
    if (this.#threshold === Number.POSITIVE_INFINITY) return
    this.#count(name, this.#clock.now())
  }

  #count(name: string, now: number): void {
    let circuit = this.#circuits.get(name)
    if (circuit === undefined) {
      circuit = { failures: 0, firstAt: now, openUntil: 0, trialUntil: 0 }
      this.#circuits.set(name, circuit)
      this.tracked += 1
    }
    if (circuit.openUntil !== 0) {
      circuit.failures += 1
      circuit.openUntil = now + this.#coolDownMs
      circuit.trialUntil = 0
      return
    }
    if (now - circuit.firstAt > this.#windowMs) {
      circuit.failures = 0
      circuit.firstAt = now
    }
    circuit.failures += 1
    if (circuit.failures < this.#threshold) return
    circuit.openUntil = now + this.#coolDownMs
    this.tripped += 1
    this.#log({
      level: 'warn',
      message: `circuit of '${name}' opened after ${circuit.failures} failures in a row; calls fail fast for ${this.#coolDownMs} ms`,
      time: now,
      service: name,
    })
  }
}

function unavailable(name: string, failures: number, waitMs: number): NanoError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return withRetryAfter(
    new NanoError(
      'NANO_E_UNAVAILABLE',
      `Service '${name}' is unavailable: it failed ${failures} times in a row, so calls fail fast; it is tried again in ${seconds} s`,
      { service: name },
    ),
    waitMs,
  )
}

/**
 * True for a timeout of a deadline set by another service than `name` (the error names the
 * service whose deadline passed): the caller's budget ran out, not the called service's.
 */
function cutShortByCaller(name: string, error: NanoError): boolean {
  return error.code === 'NANO_E_TIMEOUT' && error.service !== undefined && error.service !== name
}
