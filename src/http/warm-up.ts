import type { PageIndex } from '../compose/pages.ts'
import type { RuntimeApi } from '../runtime/ports.ts'
import type { WarmMode } from './app-options.ts'
import type { Exchange, MaybeReply } from './exchange.ts'
import { renderStaticPages } from './warm-render.ts'

/** Longest a page waits for warm-up before rendering anyway, and longest a warm-up render runs. */
const HOLD_PAGES_MS = 10_000

/**
 * A server's warm-up: what the `warm` option names, done once after it listens, and whether it is
 * done (`/_nano/ready`). A page asked for meanwhile waits for it, at most {@link HOLD_PAGES_MS}:
 * rendered while warm-up still imports the app's other services, it would share the thread with
 * those imports and its fragments' deadlines would pay for them (on a busy machine the first page
 * after start would fall back). Warm-up's own renders (`warm: 'render'`) do not wait.
 *
 * @example
 * const warmUp = new WarmUp('pages', { runtime, pages, handle: (ex) => app.handle(ex) })
 * void warmUp.start()
 * const wait = warmUp.pageWait(ex) // a promise while warm-up runs, else undefined
 */
export class WarmUp {
  readonly #mode: WarmMode
  readonly #runtime: RuntimeApi
  readonly #pages: PageIndex
  readonly #handle: (ex: Exchange) => MaybeReply
  readonly #ownRenders = new WeakSet<Exchange>()
  #running: Promise<void> | undefined
  #ready: boolean
  #holdPages = true

  constructor(mode: WarmMode, parts: { runtime: RuntimeApi; pages: PageIndex; handle: (ex: Exchange) => MaybeReply }) {
    this.#mode = mode
    this.#runtime = parts.runtime
    this.#pages = parts.pages
    this.#handle = parts.handle
    this.#ready = mode === false
  }

  /** True once warm-up is done. */
  get ready(): boolean {
    return this.#ready
  }

  /**
   * Does what the mode names, once (later calls return the same promise), then reports ready.
   * Never rejects: what does not load is logged, and answers its error when requested.
   */
  start(): Promise<void> {
    this.#running ??= this.#run().then(() => {
      this.#ready = true
    })
    return this.#running
  }

  /** What a page request waits for before it renders: warm-up (at most 10 s), or nothing. */
  pageWait(ex: Exchange): Promise<void> | undefined {
    const running = this.#running
    if (this.#ready || !this.#holdPages || running === undefined || this.#ownRenders.has(ex)) return undefined
    let timer: NodeJS.Timeout | undefined
    const held = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#holdPages = false
        resolve()
      }, HOLD_PAGES_MS)
    })
    return Promise.race([running, held]).finally(() => clearTimeout(timer))
  }

  async #run(): Promise<void> {
    const mode = this.#mode
    if (mode === false) return
    const runtime = this.#runtime
    await Promise.all([mode === 'all' ? runtime.warm() : runtime.warm([]), this.#pages.compileAll()])
    if (mode !== 'render') return
    const started = runtime.clock.now()
    const render = (ex: Exchange): MaybeReply => {
      this.#ownRenders.add(ex)
      return this.#handle(ex)
    }
    const rendered = await renderStaticPages(this.#pages, render, HOLD_PAGES_MS)
    const ms = runtime.clock.now() - started
    runtime.log({ level: 'debug', message: `warm-up rendered ${rendered} page(s) in ${ms} ms`, time: started + ms })
  }
}
