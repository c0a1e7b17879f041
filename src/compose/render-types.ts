import type { RequestContext } from '../define/types.ts'
import type { Caller } from '../runtime/ports.ts'
import type { PageVars } from './interpolate.ts'
import type { LiveHub } from './live/index.ts'
import type { PagePlan } from './plan.ts'

/**
 * Where a page's bytes go.
 *
 * @example
 * render.pipe({ write: (s) => res.write(s), end: () => res.end() })
 */
export interface PageSink {
  write(chunk: Uint8Array): void
  end(): void
  /** When present, what is ready at once is handed over as its pieces, unjoined (instead of `write`). */
  readonly writeParts?: ((parts: readonly Uint8Array[]) => void) | undefined
}

/**
 * A slot that showed its fallback, and why: `timeout` (its own), `budget` (the page's),
 * `aborted` (the client went away), `not found` / `unavailable` / `does not compile` / `not a fragment` (found
 * when the page was linked), or the `NANO_E_*` code of the error it failed with.
 *
 * @example
 * const f: Fallback = { fragment: 'fragments/weather', page: 'pages/index.html', reason: 'timeout', error }
 */
export interface Fallback {
  readonly fragment: string
  readonly page: string
  readonly reason: string
  readonly error: unknown
}

/**
 * Where the page's live script and event stream are served (the gateway decides).
 *
 * @example
 * const urls: LiveUrls = { stream: '/_nano/live', script: '/_nano/live.js' }
 */
export interface LiveUrls {
  readonly stream: string
  readonly script: string
}

/**
 * Everything one page render needs.
 *
 * @example
 * new PageRender({ plan, vars, caller: rt, traceId, request: {}, onFallback: (f) => log(f) })
 */
export interface PageRenderInit {
  readonly plan: PagePlan
  readonly vars: PageVars
  readonly caller: Pick<Caller, 'invoke' | 'peekKept' | 'hitAgain' | 'scope' | 'clock'>
  readonly traceId: string
  readonly request: RequestContext
  readonly onFallback: (fallback: Fallback) => void
  readonly live?: { readonly hub: LiveHub; readonly urls: LiveUrls } | undefined
  /** This response's CSP nonce: put on every script the render writes. */
  readonly nonce?: string | undefined
}
