import { readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import FindMyWay from 'find-my-way'
import { toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import { isPageDefinition, type PageDefinition } from '../define/page.ts'
import { importDefault } from '../registry/import-default.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { AssetRegistry } from './assets.ts'
import { linkPage, type PagePlan } from './plan.ts'
import { parsePage } from './template.ts'

/**
 * A page file and its compiled form (made on first request, kept until a reload).
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
}

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
 * The pages under `<root>/pages`, routed by file name: `index.html` is `/`,
 * `sport/[match].html` is `/sport/:match`; `.ts` files default-export `page({...})`. Files and
 * folders starting with `_` or `.` are not pages. Each page is parsed and linked once, on its
 * first request; `reload()` forgets them all (development).
 *
 * @example
 * const pages = new PageIndex('/app', rt, assets)
 * const found = pages.match('/sport/r7')
 */
export class PageIndex {
  readonly root: string
  readonly #rt: Runtime
  readonly #assets: AssetRegistry
  #router = FindMyWay<FindMyWay.HTTPVersion.V1>()
  #version = 0

  constructor(root: string, rt: Runtime, assets: AssetRegistry) {
    this.root = root
    this.#rt = rt
    this.#assets = assets
    this.#scan()
  }

  /** The page for a URL path and its route params, or undefined. */
  match(path: string): { entry: PageEntry; params: Record<string, string | undefined> } | undefined {
    const found = this.#router.find('GET', path)
    if (found === null) return undefined
    return { entry: found.store as PageEntry, params: found.params }
  }

  /** Parses and links the page (once). */
  compile(entry: PageEntry): Promise<CompiledPage> {
    entry.compiled ??= this.#compile(entry).then(
      (compiled) => {
        entry.ready = compiled
        return compiled
      },
      (error: unknown) => {
        entry.compiled = undefined
        throw error
      },
    )
    return entry.compiled
  }

  /** Forgets compiled pages and scans the folder again. */
  reload(): void {
    this.#version += 1
    this.#router = FindMyWay<FindMyWay.HTTPVersion.V1>()
    this.#scan()
  }

  #scan(): void {
    const dir = join(this.root, 'pages')
    let files: string[]
    try {
      files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const rel of files.sort()) {
      if (
        !PAGE_FILE.test(rel) ||
        IGNORED.test(rel) ||
        rel.split(sep).some((s) => s.startsWith('_') || s.startsWith('.'))
      )
        continue
      const route = routeOf(rel)
      const entry: PageEntry = { route, file: join(dir, rel), compiled: undefined, ready: undefined }
      if (this.#router.find('GET', route.replace(/:(\w+)/g, 'x')) !== null) continue
      this.#router.on('GET', route, () => {}, entry)
    }
  }

  async #compile(entry: PageEntry): Promise<CompiledPage> {
    const file = relative(this.root, entry.file)
    let definition: PageDefinition | undefined
    let source: string
    if (entry.file.endsWith('.html')) source = await readFile(entry.file, 'utf8')
    else {
      definition = await importDefault(
        entry.file,
        this.#version + 1,
        isPageDefinition,
        'export default page({ template, ... })',
      )
      source = definition.template
    }
    let parsed: ReturnType<typeof parsePage>
    try {
      parsed = parsePage(source, file)
    } catch (error) {
      throw new NanoError('NANO_E_BAD_DEFINITION', (error as Error).message, { cause: error })
    }
    if (definition?.budget !== undefined && parsed.budgetMs === undefined) {
      parsed = { ...parsed, budgetMs: toMs(definition.budget, `budget in ${file}`) }
    }
    return { plan: await linkPage(parsed, this.#rt, this.#assets, file), definition }
  }
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
