import type { Clock } from './ports.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

/**
 * One structured log record, as handed to a {@link LogSink}.
 *
 * @example
 * const r: LogRecord = { level: 'info', message: 'hit', time: Date.now(), service: 'a/b', traceId: '…' }
 */
export interface LogRecord {
  readonly level: LogLevel
  readonly message: string
  readonly time: number
  readonly [field: string]: unknown
}

/**
 * Log levels, least to most severe.
 *
 * @example
 * const level: LogLevel = 'warn'
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/**
 * Where log records go. The runtime gets one injected; the default writes JSON lines to stderr.
 *
 * @example
 * const records: LogRecord[] = []
 * const sink: LogSink = (r) => records.push(r)
 */
export type LogSink = (record: LogRecord) => void

/**
 * Every log level, least severe first.
 *
 * @example
 * LOG_LEVELS.includes('warn') // true
 */
export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['debug', 'info', 'warn', 'error'])

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 }

/**
 * True when `value` is one of the {@link LOG_LEVELS}.
 *
 * @example
 * isLogLevel('verbose') // false
 */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value)
}

/**
 * The rank of a level, for comparing: a record is written when its rank is at least the sink's.
 *
 * @example
 * levelRank('warn') > levelRank('info') // true
 */
export function levelRank(level: LogLevel): number {
  return RANK[level]
}

/**
 * A sink passing on to `sink` the records at `level` or above ('debug': all of them, `sink` itself).
 *
 * @example
 * const quiet = atLeast('warn', sink)
 */
export function atLeast(level: LogLevel, sink: LogSink): LogSink {
  const min = RANK[level]
  if (min === RANK.debug) return sink
  return (record) => {
    if (RANK[record.level] >= min) sink(record)
  }
}

/**
 * A sink that writes records at `level` or above as JSON lines.
 *
 * @example
 * const sink = jsonLineSink('info', (line) => process.stderr.write(line))
 */
export function jsonLineSink(level: LogLevel, write: (line: string) => void): LogSink {
  const min = RANK[level]
  return (record) => {
    if (RANK[record.level] >= min) write(`${toJson(record, holdsError(record) ? errorsAsText : undefined)}\n`)
  }
}

function holdsError(record: LogRecord): boolean {
  for (const key in record) if (record[key] instanceof Error) return true
  return false
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value
}

/**
 * How {@link foldRepeats} folds: the window in ms, the clock that times it, and how many kinds
 * of record it tracks at once (past that, records pass unfolded). Defaults: 10 s, 1,000 kinds.
 *
 * @example
 * const options: FoldOptions = { windowMs: 10_000, clock: systemClock }
 */
export interface FoldOptions {
  readonly windowMs?: number
  readonly clock: Clock
  readonly maxKinds?: number
}

interface Fold {
  repeats: number
  last: LogRecord
}

/**
 * A sink that keeps floods of one kind of record (same level, service and message) to two lines per
 * window: the first record passes at once; repeats within the window are counted, and at its
 * end one record says `<message> (repeated N times)` (with the fields of the last repeat and
 * `repeated: N`), starting the next window. A window without repeats ends the fold.
 *
 * @example
 * const sink = foldRepeats(jsonLineSink('info', write), { windowMs: 10_000, clock: systemClock })
 */
export function foldRepeats(sink: LogSink, options: FoldOptions): LogSink {
  const { clock } = options
  const windowMs = options.windowMs ?? 10_000
  const maxKinds = options.maxKinds ?? 1000
  const folds = new Map<string, Fold>()
  const close = (key: string): void => {
    const fold = folds.get(key)
    if (fold === undefined) return
    if (fold.repeats === 0) {
      folds.delete(key)
      return
    }
    const { last, repeats } = fold
    fold.repeats = 0
    background(clock.setTimeout(() => close(key), windowMs))
    sink({
      ...last,
      message: `${last.message} (repeated ${repeats} ${repeats === 1 ? 'time' : 'times'})`,
      time: clock.now(),
      repeated: repeats,
    })
  }
  return (record) => {
    const key = `${record.level}\u0000${record.service ?? ''}\u0000${record.message}`
    const fold = folds.get(key)
    if (fold !== undefined) {
      fold.repeats += 1
      fold.last = record
      return
    }
    if (folds.size < maxKinds) {
      folds.set(key, { repeats: 0, last: record })
      background(clock.setTimeout(() => close(key), windowMs))
    }
    sink(record)
  }
}

/** Lets a timer handle (a Node timer) not keep the process alive: folding logs is never work to wait for. */
function background(handle: unknown): void {
  ;(handle as { unref?: () => void } | null)?.unref?.()
}

/**
 * A writer that gathers the lines written in one turn of the event loop and writes them to
 * `stream` (stderr by default) at once: one write per turn instead of one per line, for logs
 * written on every request (the access log). What is still gathered when the process exits is
 * written then.
 *
 * @example
 * const sink = jsonLineSink('info', batchedWriter())
 */
export function batchedWriter(stream: { write(text: string): unknown } = process.stderr): (line: string) => void {
  let pending = ''
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending === '') return
    const out = pending
    pending = ''
    stream.write(out)
  }
  process.once('exit', flush)
  return (line) => {
    pending += line
    if (scheduled) return
    scheduled = true
    setImmediate(flush)
  }
}
