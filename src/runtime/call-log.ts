import { randomBytes } from 'node:crypto'
import type { Logger } from '../define/types.ts'
import { type LogLevel, type LogSink, levelRank } from './logger.ts'
import type { Observer } from './observer.ts'

/**
 * The fields that tie a log record to one service call: the service, its trace, and its span.
 *
 * @example
 * const f: CallLogFields = { service: 'news/top', traceId: '4bf9…4736', spanId: '00f067aa0ba902b7' }
 */
export interface CallLogFields {
  readonly service: string
  readonly traceId: string
  readonly spanId: string
}

/**
 * Where the `ctx.log` of every call of a runtime writes, and how its records get their span id:
 * the span the observer names current (an OpenTelemetry span, so logs and traces correlate),
 * else one made for the call when it first logs, from a random prefix drawn once per runtime and
 * a counter (no random draw per call, nothing at all for calls that do not log).
 *
 * @example
 * const logs = new CallLogs(sink, observer?.current?.bind(observer))
 * logs.nextSpanId() // '9f86d0810000002a'
 */
export class CallLogs {
  /** Records of `ctx.log`, already filtered by each service's level. */
  readonly sink: LogSink
  readonly current: Observer['current']
  readonly #prefix = randomBytes(4).toString('hex')
  #counter = 0

  constructor(sink: LogSink, current: Observer['current']) {
    this.sink = sink
    this.current = current
  }

  /** A new 16-hex span id (valid as a W3C parent id), unique within this runtime. */
  nextSpanId(): string {
    this.#counter = (this.#counter + 1) >>> 0
    return this.#prefix + this.#counter.toString(16).padStart(8, '0')
  }
}

const DEBUG = levelRank('debug')
const INFO = levelRank('info')
const WARN = levelRank('warn')

/**
 * What a {@link CallLogger} logs about: one running call, whose trace id is made on first use.
 *
 * @example
 * const subject: LoggedCall = { service: 'news/top', traceId: '4bf9…4736' }
 */
export interface LoggedCall {
  readonly service: string
  readonly traceId: string
}

/**
 * The `ctx.log` of one call: records below `level` (the service's, decided when it loaded) are
 * dropped before anything is built; the others get `service`, `traceId` and `spanId`.
 *
 * @example
 * const log = new CallLogger(logs, ctx, 'info')
 * log.info('cache cold', { key: 'top' }) // { service, traceId, spanId, key, level: 'info', message, time }
 */
export class CallLogger implements Logger {
  readonly #logs: CallLogs
  readonly #call: LoggedCall
  readonly #min: number
  #spanId: string | undefined

  constructor(logs: CallLogs, call: LoggedCall, level: LogLevel) {
    this.#logs = logs
    this.#call = call
    this.#min = levelRank(level)
  }

  /** The service, trace id and span id this call's records carry now. */
  fields(): CallLogFields {
    const span = this.#logs.current?.()
    if (span !== undefined) return { service: this.#call.service, traceId: span.traceId, spanId: span.spanId }
    this.#spanId ??= this.#logs.nextSpanId()
    return { service: this.#call.service, traceId: this.#call.traceId, spanId: this.#spanId }
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    if (this.#min <= DEBUG) this.#emit('debug', message, fields)
  }
  info(message: string, fields?: Record<string, unknown>): void {
    if (this.#min <= INFO) this.#emit('info', message, fields)
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    if (this.#min <= WARN) this.#emit('warn', message, fields)
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.#emit('error', message, fields)
  }

  #emit(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    this.#logs.sink({ ...fields, ...this.fields(), level, message, time: Date.now() })
  }
}
