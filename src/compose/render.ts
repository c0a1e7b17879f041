import { NanoError } from '../define/errors.ts'
import { escapeHtml } from '../define/html.ts'
import type { CallScope, InvokeOptions } from '../runtime/ports.ts'
import { deferPlaceholder, lateSlot, swapScript } from './late-slot.ts'
import type { LiveSeed } from './live/index.ts'
import { liveScriptAttributes } from './live-query.ts'
import { liveWrapped, type MarkupBytes, PageBytes, type TemplatePiece } from './page-bytes.ts'
import type { KeptCall, PageSnapshot } from './page-snapshot.ts'
import type { PagePlan } from './plan.ts'
import type { PageRenderInit, PageSink } from './render-types.ts'
import { DONE, FELL_BACK, fallbackReason, PENDING, pageStatus } from './slot-outcome.ts'

export type { Fallback, LiveUrls, PageRenderInit, PageSink } from './render-types.ts'

/**
 * One page being rendered. `start()` runs its slots (primary slots first) under one page scope:
 * the page `budget` as a deadline, and a signal that aborts when the page stops waiting (see
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
  /** The options of every slot call, made with the page scope by the first slot that runs. */
  #base: InvokeOptions | undefined
  /** Slots waiting for the primaries to settle or wait (see {@link PageRender.start}). */
  #rest: readonly number[] | undefined
  /** True when the page can be kept whole, so its slots' cache hits are remembered. */
  #keepable = false
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
  /** The seeds of live slots that showed the hub's HTML (`LiveHub.shown`), by slot. */
  #shownSeeds: (LiveSeed | undefined)[] | undefined
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
   * Starts the slots. A slot that was a cache hit when the page was last kept, still fresh and of
   * the same service ({@link PageSnapshot.reusable}), takes its kept markup and is counted as a
   * hit again; when every slot does, nothing runs at all. Primary slots run first: the others
   * start once the primaries have settled or wait on I/O (the next turn of the event loop), so
   * a primary's deadline is not spent on the rest of a cold page's work.
   */
  start(): void {
    const plan = this.#plan
    const now = this.#init.caller.clock.now()
    if (plan.budgetMs !== undefined) this.#budgetAt = now + plan.budgetMs
    this.#keepable = this.#init.vars.key === '' && plan.encoded.snapshot?.holdsAllSlots === true
    const kept = this.#keepable ? plan.encoded.snapshot?.reusable() : undefined
    const slots = plan.slots
    this.#pending = slots.length
    this.#primaryPending = plan.primaries
    let rest: number[] | undefined
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as (typeof slots)[number]
      if (slot.problem !== undefined) this.#fallBack(i, slot.problem)
      else if (kept !== undefined && this.#reused(i, kept.calls[i], kept.markups[i], now)) continue
      else if (slot.spec.primary || this.#primaryPending === 0) this.#run(i, now)
      else {
        rest ??= []
        rest.push(i)
      }
    }
    if (rest === undefined) return
    this.#rest = rest
    if (this.#primaryPending === 0) this.#startRest()
    else setImmediate(() => this.#startRest())
  }

  /** Answers slot `i` from the kept render when its cache hit still stands; false otherwise. */
  #reused(i: number, call: KeptCall | undefined, markup: string | undefined, now: number): boolean {
    if (call === undefined || call.until <= now) return false
    if (this.#init.caller.hitAgain?.(call.name, call.token, 'page') !== true) return false
    this.#inputs[i] = call.input
    this.#calls[i] = call
    this.#settle(i, markup as string)
    return true
  }

  /** Starts the slots held back behind the primaries (once: when they settle or on the next turn). */
  #startRest(): void {
    const rest = this.#rest
    if (rest === undefined) return
    this.#rest = undefined
    const now = this.#init.caller.clock.now()
    for (const i of rest) {
      if (this.#aborted) this.#fallBack(i, new NanoError('NANO_E_ABORTED', 'The page stopped waiting'))
      else this.#run(i, now)
    }
  }

  /** The options of this page's slot calls, under one new page scope (budget and abort signal). */
  #callOptions(): InvokeOptions {
    const { traceId, request } = this.#init
    const scope = this.#init.caller.scope({ deadline: this.#budgetAt, label: `budget of ${this.#plan.file}` })
    this.#scope = scope
    this.#base = { caller: 'page', traceId, request, within: scope }
    return this.#base
  }

  /**
   * Calls slot `i`'s service under the page scope: for a live slot, the HTML the live hub keeps
   * current (`LiveHub.shown`, its seed kept); a fresh cache hit at once when it is one (remembered
   * for reuse when the page can be kept); else invoked.
   */
  #run(i: number, now: number): void {
    const slot = this.#plan.slots[i] as PagePlan['slots'][number]
    const caller = this.#init.caller
    let output: unknown
    try {
      const input = slot.input(this.#init.vars)
      this.#inputs[i] = input
      const shown = slot.live === undefined ? undefined : this.#init.live?.hub.shown(slot.spec.src, input)
      const base = shown === undefined ? (this.#base ?? this.#callOptions()) : undefined
      const hit = base === undefined ? undefined : caller.peekKept?.(slot.spec.src, input, base)
      if (shown !== undefined) {
        output = shown.html
        this.#shownSeeds ??= []
        this.#shownSeeds[i] = shown
      } else if (hit !== undefined) {
        output = hit.value
        if (this.#keepable) this.#calls[i] = { name: slot.spec.src, token: hit.token, input, until: hit.until }
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
    if (this.#primaryPending === 0) return pageStatus(this.#plan.slots, this.#state, this.#errors)
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
    const budgetPassed = this.#init.caller.clock.now() >= this.#budgetAt
    const reason = fallbackReason(error, { aborted: this.#aborted, budgetPassed })
    if (reason !== 'aborted') {
      this.#init.onFallback({ fragment: slot.spec.src, page: this.#plan.file, reason, error })
    }
    this.#settled(i)
  }

  #settled(i: number): void {
    this.#pending -= 1
    if (this.#pending === 0) this.#scope?.dispose()
    if (this.#plan.slots[i]?.spec.primary === true) {
      this.#primaryPending -= 1
      if (this.#primaryPending === 0) {
        this.#startRest()
        this.#primaryDone?.(pageStatus(this.#plan.slots, this.#state, this.#errors))
      }
    }
    if (this.#sink !== undefined && !this.#flushQueued) {
      this.#flushQueued = true
      queueMicrotask(() => {
        this.#flushQueued = false
        this.#flush()
      })
    }
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
          out.text(deferPlaceholder(i, part.slot.fallback))
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
    const html = this.#state[i] === DONE ? this.#markup(i) : undefined
    const seeded = this.#shownSeeds?.[i] ?? hub.seed({ name: slot.spec.src, input: this.#inputs[i], html })
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
    const attributes = liveScriptAttributes(this.#plan, this.#liveIds, live.urls)
    return `${this.#script} ${attributes}${live.hub.eventId(this.#liveAfter)}" defer></script>`
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
          out += swapScript(this.#script)
        }
        out += lateSlot(i, this.#output(i), this.#script)
      }
    }
    this.#late = waiting
    return out
  }
}
