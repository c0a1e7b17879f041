import { readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import FindMyWay from 'find-my-way'
import { isPageDefinition, type PageDefinition } from '../define/page.ts'
import { importDefault } from '../registry/import-default.ts'
import { walkFiles } from '../registry/walk-files.ts'
import type { Caller } from '../runtime/ports.ts'
import type { AssetRegistry } from './assets.ts'
import { PageLayouts } from './layouts.ts'
import { linkPage, type PagePlan } from './plan.ts'

/**
 * A page file and its compiled form (made on first request, kept until a reload). A page that
 * names a fragment no one runs yet (a cluster still coming up) is linked again, in the
 * background, on a request at least a second later.
 *
 * @example
 * const entry = pages.match('/story/42')
 */
export interface PageEntry {
  /** Route pattern, e.g. `/story/:id`. */
  readonly route: string
  readonly file: string
  compiled: Promise<CompiledPage> | undefined
  /** The compiled page once ready, for synchronous use. */
  ready: CompiledPage | undefined
  /**
   * When a page with a missing fragment is linked again (ms since the epoch), or sooner, as soon
   * as the catalog has changed since it was linked (`Caller.changes`: a node joined).
   */
  relinkAt?: number | undefined
  /** The catalog's change count when the page was linked with a missing fragment. */
  linkedAtChange?: number | undefined
}

const RELINK_MS = 1000

/**
 * A page ready to render: its plan, and for a TypeScript page its definition (`data`, `uses`).
 *
 * @example
 * const { plan, definition } = await pages.compile(entry)
 */
export interface CompiledPage {
  readonly plan: PagePlan
  readonly definition: PageDefinition | undefined
}

const PAGE_FILE = /\.(html|ts|js|mts|mjs)$/
const IGNORED = /\.(test|spec)\.[mc]?[tj]s$|\.d\.[mc]?ts$/

/**
 * How to make a {@link PageIndex}.
 *
 * @example
 * const options: PageIndexOptions = { root: '/app', caller: rt, assets }
 */
export interface PageIndexOptions {
  readonly root: string
  readonly caller: Caller
  readonly assets: AssetRegistry
}

/**
 * The pages under `<root>/pages`, routed by file name: `index.html` is `/`,
 * `sport/[match].html` is `/sport/:match`, and a static page (`sport/live.html`) wins over a
 * parameter in the same folder; `.ts` files default-export `page({...})`. Files and folders
 * starting with `_` or `.` are not pages, nor are symbolic links out of `pages/` ({@link walkFiles}); a `_layout.html` wraps the pages of its folder and
 * below ({@link PageLayouts}). Each page is parsed and linked once, on its first
 * request or at warm-up, with every service it reaches loaded; a slot naming a fragment that does
 * not exist or does not load is logged then. `reload()` forgets them all (development).
 *
 * @example
 * const pages = new PageIndex({ root: '/app', caller: rt, assets })
 * const found = pages.match('/sport/r7')
 */
export class PageIndex {
  readonly root: string
  readonly #caller: Caller
  readonly #assets: AssetRegistry
  #router = FindMyWay<FindMyWay.HTTPVersion.V1>()
  #entries: PageEntry[] = []
  readonly #layouts: PageLayouts
  #version = 0

  constructor(options: PageIndexOptions) {
    this.root = options.root
    this.#caller = options.caller
    this.#assets = options.assets
    this.#layouts = new PageLayouts({ root: this.root })
    this.#scan()
  }

  /** Every page, in file order. */
  entries(): readonly PageEntry[] {
    return this.#entries
  }

  /**
   * Compiles every page (loading every service they reach). Never rejects: a page that does not
   * compile is logged and answers its error when requested.
   */
  async compileAll(): Promise<void> {
    await Promise.all(
      this.#entries.map((entry) =>
        this.compile(entry).catch((error: unknown) =>
          this.#caller.log({
            level: 'error',
            message: `page ${relative(this.root, entry.file)} does not compile`,
            time: this.#caller.clock.now(),
            error,
          }),
        ),
      ),
    )
  }

  /** The page for a URL path and its route params, or undefined. */
  match(path: string): { entry: PageEntry; params: Record<string, string | undefined> } | undefined {
    const found = this.#router.find('GET', path)
    if (found === null) return undefined
    const entry = found.store as PageEntry
    if (entry.relinkAt !== undefined && this.#relinkDue(entry, entry.relinkAt)) this.#relink(entry)
    return { entry, params: found.params }
  }

  /** Parses and links the page (once). */
  compile(entry: PageEntry): Promise<CompiledPage> {
    const change = this.#caller.changes?.() ?? 0
    entry.compiled ??= this.#compile(entry).then(
      (compiled) => this.#linked(entry, compiled, change),
      (error: unknown) => {
        entry.compiled = undefined
        throw error
      },
    )
    return entry.compiled
  }

  /** Records `compiled` as the page's, linked when the catalog's change count was `change`. */
  #linked(entry: PageEntry, compiled: CompiledPage, change: number): CompiledPage {
    entry.ready = compiled
    entry.relinkAt = this.#relinkAt(compiled)
    entry.linkedAtChange = change
    return compiled
  }

  #relinkAt(compiled: CompiledPage): number | undefined {
    const missing = compiled.plan.problems.some(
      (problem) => problem.reason === 'not found' || problem.reason === 'unavailable',
    )
    return missing ? this.#caller.clock.now() + RELINK_MS : undefined
  }

  #relinkDue(entry: PageEntry, at: number): boolean {
    return this.#caller.clock.now() >= at || (this.#caller.changes?.() ?? 0) !== entry.linkedAtChange
  }

  /**
   * Links the page again; the requests that come meanwhile (this one included) wait for it, and
   * get the page as it was when linking it again fails.
   */
  #relink(entry: PageEntry): void {
    const previous = entry.ready as CompiledPage
    const change = this.#caller.changes?.() ?? 0
    entry.relinkAt = undefined
    entry.ready = undefined
    entry.compiled = this.#compile(entry).then(
      (compiled) => this.#linked(entry, compiled, change),
      () => {
        entry.ready = previous
        return previous
      },
    )
  }

  /** Forgets compiled pages and layouts, and scans the folder again. */
  reload(): void {
    this.#version += 1
    this.#router = FindMyWay<FindMyWay.HTTPVersion.V1>()
    this.#scan()
  }

  #scan(): void {
    this.#entries = []
    this.#layouts.clear()
    const dir = join(this.root, 'pages')
    for (const rel of walkFiles(dir)) {
      if (PageLayouts.isLayout(rel)) this.#layouts.add(rel)
      if (!isPageFile(rel)) continue
      const entry: PageEntry = { route: routeOf(rel), file: join(dir, rel), compiled: undefined, ready: undefined }
      try {
        this.#router.on('GET', entry.route, () => {}, entry)
        this.#entries.push(entry)
      } catch (error) {
        this.#caller.log({
          level: 'warn',
          message: `pages/${rel.split(sep).join('/')} is not served: another page already has the route ${entry.route}`,
          time: this.#caller.clock.now(),
          error,
        })
      }
    }
  }

  async #compile(entry: PageEntry): Promise<CompiledPage> {
    const file = relative(this.root, entry.file)
    let definition: PageDefinition | undefined
    let source: string
    if (entry.file.endsWith('.html')) source = await readFile(entry.file, 'utf8')
    else {
      definition = await importDefault(
        { file: entry.file, root: this.root, reload: this.#version + 1 },
        isPageDefinition,
        'export default page({ template, ... })',
      )
      source = definition.template
    }
    const parsed = await this.#layouts.parse({ source, file: entry.file, budget: definition?.budget })
    const [plan] = await Promise.all([
      linkPage(parsed, { caller: this.#caller, assets: this.#assets, file }),
      this.#caller.warm(definition?.uses ?? []),
    ])
    for (const problem of plan.problems) {
      this.#caller.log({ level: 'warn', message: problem.message, time: this.#caller.clock.now(), page: file })
    }
    return { plan, definition }
  }
}

function isPageFile(rel: string): boolean {
  return (
    PAGE_FILE.test(rel) && !IGNORED.test(rel) && !rel.split(sep).some((s) => s.startsWith('_') || s.startsWith('.'))
  )
}

/**
 * The route of a page file path relative to `pages/`.
 *
 * @example
 * routeOf('sport/[match].html') // '/sport/:match'
 * routeOf('index.html')         // '/'
 */
export function routeOf(relativePath: string): string {
  const segments = relativePath.replace(PAGE_FILE, '').split(sep)
  if (segments[segments.length - 1] === 'index') segments.pop()
  return `/${segments.map((s) => s.replace(/^\[(\w+)\]$/, ':$1')).join('/')}`
}
