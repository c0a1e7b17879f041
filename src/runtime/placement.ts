import picomatch from 'picomatch'
import { NanoError } from '../define/errors.ts'

/**
 * Which services a node runs, from glob patterns on service names (`sport/**`,
 * `fragments/live-*`): undefined (all) when no patterns are given, none for an empty list.
 * Rejects with `NANO_E_BAD_REQUEST` a pattern that is not a non-empty string.
 *
 * @example
 * const runs = servicePlacement(['sport/**', 'fragments/live-*'])
 * runs?.('sport/score') // true
 * runs?.('news/headlines') // false
 */
export function servicePlacement(patterns: readonly string[] | undefined): ((name: string) => boolean) | undefined {
  if (patterns === undefined) return undefined
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.trim() === '') {
      throw new NanoError(
        'NANO_E_BAD_REQUEST',
        `services must be glob patterns on service names, e.g. 'sport/**' (got ${JSON.stringify(pattern)})`,
      )
    }
  }
  if (patterns.length === 0) return () => false
  return picomatch(patterns.map((pattern) => pattern.trim()))
}
