import { isNanoError } from '../define/errors.ts'
import { escapeHtml } from '../define/html.ts'
import type { CallScope, InvokeOptions } from '../runtime/ports.ts'
import { liveWrapped, type MarkupBytes, PageBytes, type TemplatePiece } from './page-bytes.ts'
import type { KeptCall, PageSnapshot } from './page-snapshot.ts'
import type { PagePlan } from './plan.ts'
import type { LiveUrls, PageRenderInit, PageSink } from './render-types.ts'

export type { Fallback, LiveUrls, PageRenderInit, PageSink } from './render-types.ts'

const PENDING = 0
const DONE = 1
const FELL_BACK = 2
const SWAP_SCRIPT_BODY =
  '>function nanoSwap(i){var d=document.getElementById("nano-d"+i),t=document.getElementById("nano-t"+i);if(d&&t){d.replaceChildren.apply(d,Array.from(t.childNodes));t.remove()}}</script>'

/**
 * One page being rendered. `start()` runs every slot at once under one page scope: the page
 * `budget` as a deadline, and a signal that aborts when the page stops waiting (see
 * {@link PageRender.abort}); a slot `timeout` gives that slot an earlier deadline. So a fragment's
 * `ctx.deadline` is the earlier of the two and its `ctx.signal` aborts when its fallback is
 * shown. The page status is known when the primary slots have settled; `pipe()` then streams:
 * everything up to the first unfinished slot at once (head and CSS first), then each slot in
 * order as it and those before it are done. Deferred slots write a placeholder and arrive later,
 * before `</body>`, out of order.
 *
 * @example
 * const render = new PageRender({ plan, vars, caller: rt, traceId, request, onFallback })
 * render.start()
 * const status = await render.status()
 * render.pipe(sink)
 */
export class PageRender {
  readonly #init: PageRenderInit
  readonly #plan: PagePlan
  readonly #html: string[]
  readonly #state: Uint8Array
  readonly #errors: unknown[]
  readonly #inputs: unknown[]
  /** Set by {@link PageRender.abort}: the page stopped waiting. */
  #aborted = false
  /** The cache hits that answered slots, by slot (a slot answered otherwise has none). */
  readonly #calls: (KeptCall | undefined)[]
  #scope: CallScope | undefined
  #budgetAt = Number.POSITIVE_INFINITY
  #pending = 0
  #primaryPending = 0
  #primaryDone: ((status: number) => void) | undefined
  #sink: PageSink | undefined
  #part = 0
  #late: number[] = []
  #swapScriptSent = false
  #flushQueued = false
  #ended = false
  readonly #liveIds: string[] = []
  #liveAfter = Number.POSITIVE_INFINITY
  /** `<script` with this response's nonce, if any. */
  readonly #script: string

  constructor(init: PageRenderInit) {
    this.#init = init
    this.#script = init.nonce === undefined ? '<script' : `<script nonce="${escapeHtml(init.nonce)}"`
    this.#plan = init.plan
    const n = init.plan.slots.length
    this.#html = new Array<string>(n)
    this.#state = new Uint8Array(n)
    this.#errors = new Array<unknown>(n)
    this.#inputs = new Array<unknown>(n)
    this.#calls = new Array<KeptCall | undefined>(n)
  }

  /**
   * Starts every slot now. A slot that was a cache hit when the page was last kept, still fresh
   * and of the same service ({@link PageSnapshot.reusable}), takes its kept markup and is counted
   * as a hit again; when every slot does, nothing runs at all.
   */
  start(): void {
    const { caller, traceId, request } = this.#init
    const plan = this.#plan
    const now = caller.clock.now()
    if (plan.budgetMs !== undefined) this.#budgetAt = now + plan.budgetMs
    const keepable = this.#init.vars.key === '' && plan.encoded.snapshot?.holdsAllSlots === true
    const kept = keepable ? plan.encoded.snapshot?.reusable() : undefined
    let base: InvokeOptions | undefined
    const slots = plan.slots
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as (typeof slots)[number]
      if (slot.spec.primary) this.#primaryPending += 1
      this.#pending += 1
      if (slot.problem !== undefined) {
        this.#fallBack(i, slot.problem)
        continue
      }
      const call = kept?.calls[i]
      if (call !== undefined && call.until > now && caller.hitAgain?.(call.name, call.token, 'page') === true) {
        this.#inputs[i] = call.input
        this.#calls[i] = call
        this.#settle(i, kept?.markups[i] as string)
        continue
      }
      base ??= this.#callOptions(traceId, request)
      this.#run(i, slot, base, now, keepable)
    }
    if (this.#pending === 0) this.#scope?.dispose()
  }

  /** The options of this page's slot calls, under one new page scope (budget and abort signal). */
  #callOptions(traceId: string, request: PageRenderInit['request']): InvokeOptions {
    const scope = this.#init.caller.scope({ deadline: this.#budgetAt, label: `budget of ${this.#plan.file}` })
    this.#scope = scope
    return { caller: 'page', traceId, request, within: scope }
  }

  /**
   * Calls slot `i`'s service: a fresh cache hit at once when it is one (remembered for reuse when
   * the page is `keepable`), else invoked.
   */
  #run(i: number, slot: PagePlan['slots'][number], base: InvokeOptions, now: number, keepable: boolean): void {
    const caller = this.#init.caller
    let output: unknown
    try {
      const input = slot.input(this.#init.vars)
      this.#inputs[i] = input
      const hit = caller.peekKept?.(slot.spec.src, input, base)
      if (hit !== undefined) {
        output = hit.value
        if (keepable) this.#calls[i] = { name: slot.spec.src, token: hit.token, input, until: hit.until }
      } else {
        const options = slot.timeoutMs === undefined ? base : { ...base, deadline: now + slot.timeoutMs }
        output = caller.invoke(slot.spec.src, input, options)
      }
    } catch (error) {
      output = Promise.reject(error)
    }
    if (typeof output === 'string') this.#settle(i, output)
    else if (output instanceof Promise) {
      output.then(
        (html) => this.#settle(i, html as string),
        (error: unknown) => this.#fallBack(i, error),
      )
    } else this.#fallBack(i, new TypeError(`'${slot.spec.src}' did not render HTML`))
  }

  /**
   * Stops waiting for every unfinished slot (the client went away): their `ctx.signal` aborts and
   * nothing more is written.
   */
  abort(): void {
    this.#ended = true
    this.#aborted = true
    if (this.#pending > 0) this.#scope?.abort()
  }

  /** True when every slot has settled: the whole page can be written at once. */
  get complete(): boolean {
    return this.#pending === 0
  }

  /**
   * The page's status: 200, or the status of the first failed primary slot (a client's mistake
   * keeps its 4xx, e.g. 404 or 400 for a bad parameter; any other failure is 500, running out of
   * time 504). Synchronous when the primaries are settled.
   */
  status(): number | Promise<number> {
    if (this.#primaryPending === 0) return this.#primaryStatus()
    return new Promise((resolve) => {
      this.#primaryDone = resolve
    })
  }

  /** Writes the page to `sink` as it becomes ready, and ends it when everything is written. */
  pipe(sink: PageSink): void {
    this.#sink = sink
    this.#flush()
  }

  /**
   * The whole page as the pieces it is made of (kept bytes, encoded text), in order; only when
   * {@link PageRender.complete}. Written one after the other without being joined.
   */
  drain(): readonly Uint8Array[] {
    let out: readonly Uint8Array[] = []
    this.pipe({
      writeParts: (parts) => {
        out = out.length === 0 ? parts : [...out, ...parts]
      },
      write: (chunk) => {
        out = [...out, chunk]
      },
      end: () => {},
    })
    return out
  }

  #settle(i: number, html: string): void {
    if (this.#state[i] !== PENDING) return
    this.#state[i] = DONE
    this.#html[i] = html
    this.#settled(i)
  }

  #fallBack(i: number, error: unknown): void {
    if (this.#state[i] !== PENDING) return
    this.#state[i] = FELL_BACK
    this.#errors[i] = error
    this.#calls[i] = undefined
    const slot = this.#plan.slots[i] as PagePlan['slots'][number]
    const reason = this.#reasonOf(error)
    if (reason !== 'aborted') {
      this.#init.onFallback({ fragment: slot.spec.src, page: this.#plan.file, reason, error })
    }
    this.#settled(i)
  }

  #reasonOf(error: unknown): string {
    if (!isNanoError(error)) return (error as { reason?: string } | undefined)?.reason ?? 'error'
    if (error.code === 'NANO_E_ABORTED' && this.#aborted) return 'aborted'
    if (error.code !== 'NANO_E_TIMEOUT') return error.code
    return this.#init.caller.clock.now() >= this.#budgetAt ? 'budget' : 'timeout'
  }

  #settled(i: number): void {
    this.#pending -= 1
    if (this.#pending === 0) this.#scope?.dispose()
    if (this.#plan.slots[i]?.spec.primary === true) {
      this.#primaryPending -= 1
      if (this.#primaryPending === 0) this.#primaryDone?.(this.#primaryStatus())
    }
    if (this.#sink !== undefined && !this.#flushQueued) {
      this.#flushQueued = true
      queueMicrotask(() => {
        this.#flushQueued = false
        this.#flush()
      })
    }
  }

  #primaryStatus(): number {
    const slots = this.#plan.slots
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as (typeof slots)[number]
      if (!slot.spec.primary || this.#state[i] !== FELL_BACK) continue
      const error = this.#errors[i]
      if (slot.problem !== undefined) return 500
      if (isNanoError(error)) {
        if (error.status >= 400 && error.status < 500) return error.status
        return error.code === 'NANO_E_TIMEOUT' ? 504 : 500
      }
      return 500
    }
    return 200
  }

  #flush(): void {
    const sink = this.#sink
    if (sink === undefined || this.#ended) return
    const parts = this.#plan.parts
    const encoded = this.#plan.encoded
    const vars = this.#init.vars
    const out = new PageBytes()
    const snapshot = encoded.snapshot
    if (this.#part === 0 && this.#pending === 0 && snapshot !== undefined && vars.key === '') {
      out.push(this.#keptUpToBodyEnd(snapshot))
      this.#part = snapshot.end
    }
    while (this.#part < parts.length) {
      const part = parts[this.#part] as (typeof parts)[number]
      if (part.kind === 'text' || part.kind === 'head-end') this.#writeFixed(out, this.#part)
      else if (part.kind === 'slot') {
        const i = part.index
        const state = this.#state[i]
        if (part.slot.defer && state === PENDING) {
          out.text(`<div id="nano-d${i}" data-nano-defer>${part.slot.fallback}</div>`)
          this.#late.push(i)
        } else if (state === PENDING) break
        else (encoded.markup[i] as MarkupBytes).append(out, this.#markup(i), this.#liveIdOf(i))
      } else {
        out.text(this.#lateChunks())
        if (this.#late.length > 0) break
        out.text(this.#liveScript())
      }
      this.#part += 1
    }
    if (!out.empty) {
      if (sink.writeParts === undefined) sink.write(out.bytes())
      else sink.writeParts(out.parts())
    }
    if (this.#part === parts.length) {
      this.#ended = true
      sink.end()
    }
  }

  /**
   * The page up to `</body>` when every slot has settled and the page has no values: the kept
   * bytes when the slots gave the same markup as when they were kept, else joined now and kept.
   */
  #keptUpToBodyEnd(snapshot: PageSnapshot): Uint8Array {
    const parts = this.#plan.parts
    const n = this.#plan.slots.length
    const markups = new Array<string>(n)
    const liveIds = new Array<string | undefined>(n)
    for (let p = 0; p < snapshot.end; p++) {
      const part = parts[p] as (typeof parts)[number]
      if (part.kind !== 'slot') continue
      markups[part.index] = this.#markup(part.index)
      liveIds[part.index] = this.#liveIdOf(part.index)
    }
    const calls = this.#calls
    const kept = snapshot.bytesFor(markups, liveIds, calls)
    if (kept !== undefined) return kept
    const out = new PageBytes()
    for (let p = 0; p < snapshot.end; p++) {
      const part = parts[p] as (typeof parts)[number]
      if (part.kind !== 'slot') this.#writeFixed(out, p)
      else {
        const i = part.index
        ;(this.#plan.encoded.markup[i] as MarkupBytes).append(out, markups[i] as string, liveIds[i])
      }
    }
    const bytes = out.bytes()
    snapshot.keep(markups, liveIds, bytes, calls)
    return bytes
  }

  /** Writes part `p` when it is the page's own text or the end of its head (the stylesheets). */
  #writeFixed(out: PageBytes, p: number): void {
    const part = this.#plan.parts[p] as PagePlan['parts'][number]
    if (part.kind === 'text') out.template(this.#plan.encoded.parts[p] as readonly TemplatePiece[], this.#init.vars)
    else if (part.kind === 'head-end') out.push(this.#plan.encoded.headTags)
  }

  /** Slot `i`'s markup as written: its own, or its fallback. */
  #markup(i: number): string {
    return this.#state[i] === DONE
      ? (this.#html[i] as string)
      : (this.#plan.slots[i] as PagePlan['slots'][number]).spec.fallback
  }

  /** The live id of slot `i` when it is live on this page (the hub seeded with its markup), else undefined. */
  #liveIdOf(i: number): string | undefined {
    const slot = this.#plan.slots[i] as PagePlan['slots'][number]
    const hub = this.#init.live?.hub
    if (slot.live === undefined || hub === undefined || this.#inputs[i] === undefined) return undefined
    const done = this.#state[i] === DONE
    const seeded = hub.seed({ name: slot.spec.src, input: this.#inputs[i], html: done ? this.#markup(i) : undefined })
    if (seeded === undefined) return undefined
    this.#liveIds.push(seeded.id)
    if (seeded.after < this.#liveAfter) this.#liveAfter = seeded.after
    return seeded.id
  }

  #output(i: number): string {
    const liveId = this.#liveIdOf(i)
    return liveId === undefined ? this.#markup(i) : liveWrapped(this.#markup(i), liveId)
  }

  #liveScript(): string {
    const live = this.#init.live
    if (live === undefined || this.#liveIds.length === 0) return ''
    const src = `${liveQueryOf(this.#plan, this.#liveIds, live.urls)}&since=${live.hub.eventId(this.#liveAfter)}`
    return `${this.#script} src="${escapeHtml(live.urls.script)}" data-src="${escapeHtml(src)}" defer></script>`
  }

  #lateChunks(): string {
    let out = ''
    const waiting: number[] = []
    for (const i of this.#late) {
      const state = this.#state[i]
      if (state === PENDING) waiting.push(i)
      else if (state === DONE) {
        if (!this.#swapScriptSent) {
          this.#swapScriptSent = true
          out += this.#script + SWAP_SCRIPT_BODY
        }
        out += `<div id="nano-t${i}" data-nano-late>${this.#output(i)}</div>${this.#script}>nanoSwap(${i})</script>`
      }
    }
    this.#late = waiting
    return out
  }
}

/** The last live stream URL (without `since`) made for each page, and the ids it names. */
const liveQueries = new WeakMap<
  PagePlan,
  { readonly ids: readonly string[]; readonly stream: string; readonly url: string }
>()

/** `<stream>?f=<id>&f=<id>…` for a render's live ids, made again only when they change. */
function liveQueryOf(plan: PagePlan, ids: readonly string[], urls: LiveUrls): string {
  const last = liveQueries.get(plan)
  if (last?.stream === urls.stream && last.ids.length === ids.length && last.ids.every((id, i) => id === ids[i])) {
    return last.url
  }
  const url = `${urls.stream}?${[...new Set(ids)].map((id) => `f=${encodeURIComponent(id)}`).join('&')}`
  liveQueries.set(plan, { ids: [...ids], stream: urls.stream, url })
  return url
}
