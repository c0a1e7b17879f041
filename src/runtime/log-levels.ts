import picomatch from 'picomatch'
import { NanoError } from '../define/errors.ts'
import { isLogLevel, LOG_LEVELS, type LogLevel } from './logger.ts'

/**
 * Per-service log levels: glob patterns on service names (picomatch, as `services` uses), each
 * with the least severe level that the `ctx.log` of the matching services writes. When several
 * patterns match a name, the last one listed wins.
 *
 * @example
 * const levels: ServiceLogLevels = { 'news/*': 'debug', 'ads/**': 'warn' }
 */
export type ServiceLogLevels = Readonly<Record<string, LogLevel>>

/**
 * The level of each service's `ctx.log`: the last pattern of `levels` matching its name, else
 * `base`. Checks everything first: a level that is not one of 'debug', 'info', 'warn', 'error',
 * or a pattern that is empty, throws `NANO_E_BAD_REQUEST` saying which option to fix.
 *
 * @example
 * const levelOf = serviceLogLevel('info', { 'news/*': 'debug' })
 * levelOf('news/top') // 'debug'
 * levelOf('ads/banner') // 'info'
 */
export function serviceLogLevel(base: LogLevel, levels: ServiceLogLevels | undefined): (service: string) => LogLevel {
  checkLevel(base, 'logLevel')
  if (levels === undefined) return () => base
  if (typeof levels !== 'object' || levels === null || Array.isArray(levels)) {
    throw badOption(`logLevels must be an object of glob patterns to levels, e.g. { 'news/*': 'debug' }`, levels)
  }
  const rules: { readonly matches: (name: string) => boolean; readonly level: LogLevel }[] = []
  for (const [pattern, level] of Object.entries(levels)) {
    if (pattern.trim() === '') {
      throw badOption(`logLevels keys must be glob patterns on service names, e.g. 'news/*'`, pattern)
    }
    checkLevel(level, `logLevels['${pattern}']`)
    rules.unshift({ matches: picomatch(pattern.trim()), level })
  }
  if (rules.length === 0) return () => base
  return (service) => rules.find((rule) => rule.matches(service))?.level ?? base
}

function checkLevel(level: unknown, option: string): void {
  if (!isLogLevel(level))
    throw badOption(`${option} must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}`, level)
}

function badOption(what: string, value: unknown): NanoError {
  return new NanoError('NANO_E_BAD_REQUEST', `${what} (got ${JSON.stringify(value) ?? String(value)})`)
}
