import { isNanoError } from '../../define/errors.ts'
import { Histogram } from './histogram.ts'

/**
 * The caller label of a call made from outside with no `caller` option (`rt.call` in code).
 *
 * @example
 * new ServiceRecord('geo').edge(undefined).caller // 'outside'
 */
export const OUTSIDE = 'outside'

/**
 * Calls seen from one caller to one service: a count, the errors and their durations.
 *
 * @example
 * const edge = new EdgeRecord('http')
 */
export class EdgeRecord {
  readonly caller: string
  readonly durations = new Histogram()
  errors = 0

  constructor(caller: string) {
    this.caller = caller
  }
}

/**
 * Everything counted for one service: calls by code (`ok` kept as a plain number, error codes in
 * a small map), durations, calls in flight, cache results, and one {@link EdgeRecord} per caller.
 * The last caller's edge is remembered, so a run of calls from one caller looks nothing up.
 *
 * @example
 * const record = new ServiceRecord('geo/lookup')
 * record.inFlight++
 */
export class ServiceRecord {
  readonly service: string
  readonly durations = new Histogram()
  readonly errorCodes = new Map<string, number>()
  readonly edges = new Map<string, EdgeRecord>()
  ok = 0
  errors = 0
  inFlight = 0
  hit = 0
  stale = 0
  miss = 0
  #lastCaller: string | undefined = undefined
  #lastEdge: EdgeRecord | undefined = undefined

  constructor(service: string) {
    this.service = service
  }

  /** The edge from `caller` (undefined: {@link OUTSIDE}), made on first use. */
  edge(caller: string | undefined): EdgeRecord {
    if (caller === this.#lastCaller && this.#lastEdge !== undefined) return this.#lastEdge
    const name = caller ?? OUTSIDE
    let edge = this.edges.get(name)
    if (edge === undefined) {
      edge = new EdgeRecord(name)
      this.edges.set(name, edge)
    }
    this.#lastCaller = caller
    this.#lastEdge = edge
    return edge
  }

  /** Counts one failed call under its code. */
  failed(code: string): void {
    this.errors++
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1)
  }

  /** Every answered call, ok or not. */
  get calls(): number {
    return this.ok + this.errors
  }
}

/**
 * The `code` label of a failed call: the `NANO_E_*` code of a `NanoError`, else
 * `NANO_E_SERVICE_FAILED` (what the caller is told of any other failure).
 *
 * @example
 * codeOf(new NanoError('NANO_E_TIMEOUT', 'late')) // 'NANO_E_TIMEOUT'
 * codeOf(new Error('boom')) // 'NANO_E_SERVICE_FAILED'
 */
export function codeOf(error: unknown): string {
  return isNanoError(error) ? error.code : 'NANO_E_SERVICE_FAILED'
}

/**
 * True when `error` says that nobody defines `service` (the runtime's own 404 for that name), as
 * opposed to a `NANO_E_NOT_FOUND` a service threw about its own data.
 *
 * @example
 * isUnknownService(notFound('nope'), 'nope') // true
 */
export function isUnknownService(error: unknown, service: string): boolean {
  return isNanoError(error) && error.code === 'NANO_E_NOT_FOUND' && error.service === service
}
