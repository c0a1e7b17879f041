import { isNanoError } from '../define/errors.ts'
import { escapeHtml } from '../define/html.ts'
import type { CallOptions } from '../define/types.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { fill, type PageVars } from './interpolate.ts'
import type { LiveHub } from './live.ts'
import type { PagePlan } from './plan.ts'

const PENDING = 0
const DONE = 1
const FELL_BACK = 2
const SWAP_SCRIPT =
  '<script>function nanoSwap(i){var d=document.getElementById("nano-d"+i),t=document.getElementById("nano-t"+i);if(d&&t){d.replaceChildren.apply(d,Array.from(t.childNodes));t.remove()}}</script>'

/**
 * Where a page's bytes go, and how a fragment's failure is reported.
 *
 * @example
 * render.pipe({ write: (s) => res.write(s), end: () => res.end() })
 */
export interface PageSink {
  write(chunk: string): void
  end(): void
}

/**
 * One page being rendered. `start()` runs every slot at once; the page status is known when the
 * primary slots have settled; `pipe()` then streams: everything up to the first unfinished slot
 * at once (head and CSS first), then each slot in order as it and those before it are done.
 * Deferred slots write a placeholder and arrive later, before `</body>`, out of order. A slot
 * that fails, or is still running at its timeout or the page budget, gets its fallback.
 *
 * @example
 * const render = new PageRender(plan, vars, rt, { caller: 'page', traceId })
 * render.start()
 * const status = await render.status()
 * render.pipe(sink)
 */
export class PageRender {
  readonly #plan: PagePlan
  readonly #vars: PageVars
  readonly #rt: Runtime
  readonly #options: CallOptions
  readonly #onFailure: (src: string, error: unknown) => void
  readonly #html: string[]
  readonly #state: Uint8Array
  readonly #errors: unknown[]
  readonly #deadline: Float64Array
  #pending = 0
  #primaryPending = 0
  #primaryDone: ((status: number) => void) | undefined
  #timer: NodeJS.Timeout | undefined
  #sink: PageSink | undefined
  #part = 0
  #late: number[] = []
  #swapScriptSent = false
  #flushQueued = false
  #ended = false

  readonly #hub: LiveHub | undefined
  readonly #inputs: unknown[]
  readonly #liveIds: string[] = []
  #liveAfter = Number.POSITIVE_INFINITY

  constructor(
    plan: PagePlan,
    vars: PageVars,
    rt: Runtime,
    options: CallOptions,
    onFailure: (src: string, error: unknown) => void,
    hub?: LiveHub,
  ) {
    this.#hub = hub
    this.#inputs = new Array<unknown>(plan.slots.length)
    this.#plan = plan
    this.#vars = vars
    this.#rt = rt
    this.#options = options
    this.#onFailure = onFailure
    const n = plan.slots.length
    this.#html = new Array<string>(n)
    this.#state = new Uint8Array(n)
    this.#errors = new Array<unknown>(n)
    this.#deadline = new Float64Array(n)
  }

  /** Starts every slot now. */
  start(): void {
    const slots = this.#plan.slots
    const now = Date.now()
    const budgetAt = this.#plan.budgetMs === undefined ? Number.POSITIVE_INFINITY : now + this.#plan.budgetMs
    let earliest = Number.POSITIVE_INFINITY
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as (typeof slots)[number]
      if (slot.spec.primary) this.#primaryPending += 1
      this.#pending += 1
      if (!slot.usable) {
        this.#fallBack(i, undefined)
        continue
      }
      let output: unknown
      try {
        const input = slot.input(this.#vars)
        this.#inputs[i] = input
        output = this.#rt.invoke(slot.spec.src, input, this.#options)
      } catch (error) {
        output = Promise.reject(error)
      }
      if (typeof output === 'string') this.#settle(i, output)
      else if (output instanceof Promise) {
        const at = slot.timeoutMs === undefined ? budgetAt : Math.min(budgetAt, now + slot.timeoutMs)
        this.#deadline[i] = at
        if (at < earliest) earliest = at
        output.then(
          (html) => this.#settle(i, html as string),
          (error: unknown) => this.#fallBack(i, error),
        )
      } else this.#fallBack(i, new TypeError(`'${slot.spec.src}' did not render HTML`))
    }
    if (this.#pending > 0 && earliest !== Number.POSITIVE_INFINITY) this.#arm(earliest)
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

  /** The whole page as one string; only when {@link PageRender.complete}. */
  drain(): string {
    let out = ''
    this.pipe({ write: (chunk) => (out += chunk), end: () => {} })
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
    if (error !== undefined) this.#onFailure(this.#plan.slots[i]?.spec.src ?? '', error)
    this.#settled(i)
  }

  #settled(i: number): void {
    this.#pending -= 1
    if (this.#pending === 0 && this.#timer !== undefined) clearTimeout(this.#timer)
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
      if (!(slots[i] as (typeof slots)[number]).spec.primary || this.#state[i] !== FELL_BACK) continue
      const error = this.#errors[i]
      if (error === undefined) return (slots[i] as (typeof slots)[number]).usable ? 504 : 500
      if (isNanoError(error)) {
        if (error.status >= 400 && error.status < 500) return error.status
        return error.code === 'NANO_E_TIMEOUT' ? 504 : 500
      }
      return 500
    }
    return 200
  }

  #arm(at: number): void {
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        const now = Date.now()
        let next = Number.POSITIVE_INFINITY
        for (let i = 0; i < this.#state.length; i++) {
          if (this.#state[i] !== PENDING) continue
          const deadline = this.#deadline[i] as number
          if (deadline <= now) this.#fallBack(i, undefined)
          else if (deadline < next) next = deadline
        }
        if (next !== Number.POSITIVE_INFINITY) this.#arm(next)
      },
      Math.max(0, at - Date.now()),
    )
  }

  #flush(): void {
    const sink = this.#sink
    if (sink === undefined || this.#ended) return
    const parts = this.#plan.parts
    let out = ''
    while (this.#part < parts.length) {
      const part = parts[this.#part] as (typeof parts)[number]
      if (part.kind === 'text') out += fill(part.text, this.#vars, true)
      else if (part.kind === 'head-end') out += this.#plan.headTags
      else if (part.kind === 'slot') {
        const i = part.index
        const state = this.#state[i]
        if (part.slot.defer && state === PENDING) {
          out += `<div id="nano-d${i}" data-nano-defer>${part.slot.fallback}</div>`
          this.#late.push(i)
        } else if (state === PENDING) break
        else out += this.#output(i)
      } else {
        out += this.#lateChunks()
        if (this.#late.length > 0) break
        out += this.#liveScript()
      }
      this.#part += 1
    }
    if (out !== '') sink.write(out)
    if (this.#part === parts.length) {
      this.#ended = true
      sink.end()
    }
  }

  #output(i: number): string {
    const slot = this.#plan.slots[i] as PagePlan['slots'][number]
    const done = this.#state[i] === DONE
    const markup = done ? (this.#html[i] as string) : slot.spec.fallback
    const hub = this.#hub
    if (slot.live === undefined || hub === undefined || this.#inputs[i] === undefined) return markup
    const { id, after } = hub.seed(slot.spec.src, this.#inputs[i], slot.live, done ? markup : undefined)
    this.#liveIds.push(id)
    if (after < this.#liveAfter) this.#liveAfter = after
    return `<div data-nano-live="${escapeHtml(id)}" style="display:contents">${markup}</div>`
  }

  #liveScript(): string {
    const hub = this.#hub
    if (hub === undefined || this.#liveIds.length === 0) return ''
    const query = [...new Set(this.#liveIds)].map((id) => `f=${encodeURIComponent(id)}`).join('&')
    const src = `/_nano/live?${query}&since=${hub.eventId(this.#liveAfter)}`
    return `<script src="/_nano/live.js" data-src="${escapeHtml(src)}" defer></script>`
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
          out += SWAP_SCRIPT
        }
        out += `<div id="nano-t${i}" data-nano-late>${this.#output(i)}</div><script>nanoSwap(${i})</script>`
      }
    }
    this.#late = waiting
    return out
  }
}
