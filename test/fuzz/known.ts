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
export const KNOWN_ELSEWHERE: readonly KnownElsewhere[] = [
  {
    id: 'clientError JSON',
    item: 'node:http answers a request it refuses before the gateway sees it with its own bodiless 400/431: bytes it cannot parse, a header section over 16 KiB (both JSON on main since sec-limits), and an HTTP/1.1 request without a Host header (requireHostHeader: still bodiless on main). The clientError JSON item (and `GET *` → 400) of the hardening work on server.ts',
    matches: (_sample, problem) => /^node: 4\d\d with an empty body$/.test(problem),
  },
  {
    id: 'clientError body on HEAD',
    item: 'the clientError JSON answer (sec-limits, src/http/limits/connections.ts) writes its JSON body to a HEAD request too (seen on a HEAD whose header section is over 16 KiB: 431): the body is bytes after the response (node:http\'s client fails with "Data after `Connection: close`"). A HEAD answer has no body',
    matches: (sample, problem) =>
      'request' in sample &&
      sample.request.method === 'HEAD' &&
      problem.startsWith('no answer: bytes after the response'),
  },
]

/**
 * The id of the entry that allows a problem, or undefined.
 *
 * @example
 * knownAs(sample, '500 …') // undefined
 */
export function knownAs(sample: Aimed | RawSample, problem: string): string | undefined {
  return KNOWN_ELSEWHERE.find((entry) => entry.matches(sample, problem))?.id
}
