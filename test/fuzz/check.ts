/**
 * The fuzz's oracle: what every answer of the gateway must satisfy, whatever it was sent.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import type { FuzzRequest } from './arbitraries.ts'
import type { Outcome } from './client.ts'
import { SECRET_MARKER } from './fixture-app.ts'
import type { RawOutcome, RawSample } from './raw-requests.ts'

const CODE = /^NANO_E_[A-Z_]+$/
const HTML_CODE = /<code>NANO_E_[A-Z_]+<\/code>/

/**
 * Why an answer breaks the gateway's contract, or undefined when it keeps it:
 * - every request is answered (no reset, no hang), except that a body over the 1 MiB limit may
 *   be cut off: the server answers 413 and closes, and the client may see the close first;
 * - the body decodes as its `content-encoding` says;
 * - no 5xx: the fixture's services never fail and the news demo's failure flags are never sent,
 *   so a 5xx is the gateway's own failure;
 * - a 4xx with a body is JSON `{ error: { code: NANO_E_*, message } }`, or an HTML page holding
 *   `<code>NANO_E_*</code>` (the gateway's page error), or a page rendered around the fallback of
 *   a primary fragment that refused its input (that page's status is the fragment's: see
 *   docs/pages.md, `primary`);
 * - no answer ever holds the fixture's secret (files outside `public/`, dotfiles).
 * A problem with an answer node:http wrote itself (no `x-request-id`: the gateway never saw the
 * request) starts with `node:`.
 *
 * @example
 * problemOf(request, outcome) // '500 NANO_E_INTERNAL: …' or undefined
 */
export function problemOf(request: FuzzRequest, outcome: Outcome): string | undefined {
  if (outcome.kind === 'no-answer') {
    const cut = (request.body?.length ?? 0) > BODY_LIMIT && /EPIPE|ECONNRESET/.test(outcome.error)
    return cut ? undefined : `no answer: ${outcome.error}`
  }
  const problem = answerProblem(request, outcome)
  return problem !== undefined && outcome.headers['x-request-id'] === undefined ? `node: ${problem}` : problem
}

/** The gateway's default body limit: past it, the server may close before the client reads the 413. */
const BODY_LIMIT = 1024 * 1024

function answerProblem(request: FuzzRequest, answer: Extract<Outcome, { kind: 'answer' }>): string | undefined {
  const { status, headers } = answer
  let body: Buffer
  try {
    body = decoded(answer.body, headers['content-encoding'])
  } catch {
    return `${status} body that does not decode as '${headers['content-encoding']}'`
  }
  if (status < 100) return `not an HTTP response: ${excerpt(answer.body)}`
  if (body.includes(SECRET_MARKER)) return `${status} served the secret`
  if (status >= 500) return `${status} ${excerpt(body)}`
  if (status < 400 || request.method === 'HEAD') return undefined
  if (body.length === 0) return `${status} with an empty body`
  const type = headers['content-type'] ?? ''
  if (type.startsWith('application/json')) return jsonErrorProblem(status, body)
  if (type.startsWith('text/html')) {
    const html = body.toString()
    if (HTML_CODE.test(html) || isRenderedPage(html)) return undefined
    return `${status} HTML error page without a NANO_E_* code: ${excerpt(body)}`
  }
  return `${status} error of type '${type}' without a NANO_E_* code: ${excerpt(body)}`
}

function decoded(body: Buffer, coding: string | undefined): Buffer {
  if (coding === undefined || body.length === 0) return body
  if (coding === 'gzip') return gunzipSync(body)
  if (coding === 'br') return brotliDecompressSync(body)
  if (coding === 'deflate') return inflateSync(body)
  throw new Error(`unknown coding ${coding}`)
}

function jsonErrorProblem(status: number, body: Buffer): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString())
  } catch {
    return `${status} JSON error body that does not parse: ${excerpt(body)}`
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error
  if (typeof error?.code !== 'string' || !CODE.test(error.code))
    return `${status} without a NANO_E_* code: ${excerpt(body)}`
  if (typeof error.message !== 'string' || error.message === '') return `${status} ${error.code} without a message`
  return undefined
}

/** A page the gateway rendered (a doctype, then the page), not an error page of its own. */
function isRenderedPage(html: string): boolean {
  return /^<!doctype html>/i.test(html)
}

/**
 * The first bytes of a body, as text, for a report.
 *
 * @example
 * excerpt(Buffer.from('{"error":…}')) // '{"error":…}'
 */
export function excerpt(body: Buffer, max = 200): string {
  const text = body.subarray(0, max).toString()
  return body.length > max ? `${text}…` : text
}

/**
 * The raw-socket contract: the connection ends once the client has (no hang), and every response
 * on it keeps {@link problemOf}'s contract.
 *
 * @example
 * rawProblemOf(sample, await sendRaw(url, sample)) // undefined
 */
export function rawProblemOf(sample: RawSample, outcome: RawOutcome): string | undefined {
  if (outcome.end === 'hung') return 'the connection stayed open after the client ended it'
  const method = sample.head ? 'HEAD' : 'GET'
  for (const response of outcome.responses) {
    const problem = problemOf({ method, path: '', headers: {} }, { kind: 'answer', ...response })
    if (problem !== undefined) return problem
  }
  return undefined
}
