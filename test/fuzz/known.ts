/**
 * Problems the fuzz finds that other work of the same issue owns (each entry names its item):
 * counted and printed, not failed, until that work lands; then the entry is deleted and the fuzz
 * holds the gateway to it. Keep every entry as narrow as the problem.
 */
import type { RawSample } from './raw-requests.ts'
import type { Aimed } from './requests.ts'

/**
 * One allowed problem: the item of the issue that fixes it, and which problems it covers.
 *
 * @example
 * const entry: KnownElsewhere = { id: 'x', item: 'what fixes it', matches: (_s, p) => p.startsWith('node: ') }
 */
export interface KnownElsewhere {
  readonly id: string
  /** The issue item (and the work) that fixes it. */
  readonly item: string
  matches(sample: Aimed | RawSample, problem: string): boolean
}

/**
 * The allow-list.
 *
 * @example
 * KNOWN_ELSEWHERE.find((k) => k.matches(sample, problem))?.id
 */
export const KNOWN_ELSEWHERE: readonly KnownElsewhere[] = []

/**
 * The id of the entry that allows a problem, or undefined.
 *
 * @example
 * knownAs(sample, '500 …') // undefined
 */
export function knownAs(sample: Aimed | RawSample, problem: string): string | undefined {
  return KNOWN_ELSEWHERE.find((entry) => entry.matches(sample, problem))?.id
}
