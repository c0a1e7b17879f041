/**
 * A span of time: milliseconds as a number, or a string such as `'150ms'`, `'60s'`, `'10m'`, `'1h'`.
 *
 * @example
 * const t: Duration = '150ms'
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/**
 * Converts a {@link Duration} to milliseconds; throws a `TypeError` that names the bad value.
 *
 * @example
 * toMs('10m') // 600000
 * toMs(250)   // 250
 */
export function toMs(duration: Duration, what = 'duration'): number {
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return duration
  } else if (typeof duration === 'string') {
    const match = DURATION.exec(duration.trim())
    if (match !== null) return Number(match[1]) * (UNIT_MS[match[2] as string] as number)
  }
  throw new TypeError(
    `Invalid ${what} ${JSON.stringify(duration)}: use milliseconds (a number >= 0) or a string like '150ms', '60s', '10m', '1h'`,
  )
}
