import { inspect } from 'node:util'
import { atLeast, type LogLevel, type LogRecord, type LogSink } from './logger.ts'

/**
 * How {@link prettyLineSink} writes: with ANSI colours or not (the CLI colours when stderr is a
 * terminal and `NO_COLOR` is unset).
 *
 * @example
 * const options: PrettyOptions = { color: process.stderr.isTTY === true && process.env.NO_COLOR === undefined }
 */
export interface PrettyOptions {
  readonly color: boolean
}

const LABEL: Readonly<Record<LogLevel, string>> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR' }
const COLOR: Readonly<Record<LogLevel, string>> = { debug: '90', info: '32', warn: '33', error: '31' }
/** Fields shown in the head of the line, or last (the ids are long and mostly noise in a terminal). */
const PLACED = new Set(['level', 'time', 'message', 'service', 'traceId', 'spanId'])
const BARE = /^[\w./:@+-]+$/

/**
 * A sink that writes records at `level` or above for a person reading a terminal (what
 * `nanoweb dev` uses): `HH:MM:SS.mmm LEVEL service message key=value …`, the trace and span ids
 * last, and each error's stack on the lines after, indented.
 *
 * @example
 * const sink = prettyLineSink('debug', (line) => process.stderr.write(line), { color: false })
 * sink({ level: 'info', message: 'hit', time: Date.now(), service: 'news/top', key: 'top' })
 * // 14:03:07.412 INFO  news/top hit key=top
 */
export function prettyLineSink(level: LogLevel, write: (line: string) => void, options: PrettyOptions): LogSink {
  return atLeast(level, (record) => write(prettyLine(record, options)))
}

/**
 * One record as {@link prettyLineSink} writes it, ending in a newline.
 *
 * @example
 * prettyLine({ level: 'warn', message: 'slow', time: 0, ms: 120 }, { color: false }) // '00:00:00.000 WARN  slow ms=120\n'
 */
export function prettyLine(record: LogRecord, options: PrettyOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text)
  const level = LABEL[record.level] ?? String(record.level)
  const head = [paint('2', clockTime(record.time)), paint(COLOR[record.level] ?? '0', level)]
  if (record.service !== undefined) head.push(paint('36', String(record.service)))
  head.push(record.message)
  const stacks: string[] = []
  for (const key in record) {
    if (PLACED.has(key) || record[key] === undefined) continue
    const value = record[key]
    head.push(`${paint('2', `${key}=`)}${shown(value)}`)
    if (value instanceof Error && value.stack !== undefined) stacks.push(indented(value.stack))
  }
  for (const key of ['traceId', 'spanId']) {
    if (record[key] !== undefined) head.push(paint('2', `${key}=${shown(record[key])}`))
  }
  return `${[head.join(' '), ...stacks].join('\n')}\n`
}

function clockTime(time: number): string {
  const at = new Date(time)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`
}

function shown(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`)
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 2 })
  }
}

function indented(stack: string): string {
  return stack
    .split('\n')
    .map((line) => `    ${line.trim()}`)
    .join('\n')
}
