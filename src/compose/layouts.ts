import { readFile } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { type Duration, toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import { fillLayout, isWholeDocument, type Layout, type PageContent, parseLayout, splitPage } from './layout.ts'
import { type ParsedPage, parsePage } from './template.ts'

const LAYOUT = '_layout.html'

/**
 * How to make {@link PageLayouts}.
 *
 * @example
 * const options: PageLayoutsOptions = { root: '/app' }
 */
export interface PageLayoutsOptions {
  /** The app root; layouts live under `<root>/pages`. */
  readonly root: string
}

/**
 * How {@link PageLayouts.parse} parses one page.
 *
 * @example
 * const page: PageSource = { source, file: '/app/pages/sport/index.html', budget: undefined }
 */
export interface PageSource {
  readonly source: string
  /** The page's absolute path. */
  readonly file: string
  /** A TypeScript page's `budget`, if any. */
  readonly budget: Duration | undefined
}

/**
 * The `_layout.html` files under `pages/`, found by the page scan and parsed once each (until the
 * next scan). A page that is not a whole document goes into the nearest layout in its folder or
 * above; a layout that is not a whole document goes in turn into the nearest one above its own
 * folder, until one is.
 *
 * @example
 * const layouts = new PageLayouts({ root: '/app' })
 * layouts.add('sport/_layout.html')
 * const parsed = await layouts.parse({ source, file: '/app/pages/sport/index.html', budget: undefined })
 */
export class PageLayouts {
  readonly #root: string
  readonly #files = new Set<string>()
  readonly #parsed = new Map<string, Promise<Layout>>()

  constructor(options: PageLayoutsOptions) {
    this.#root = options.root
  }

  /** True when a path under `pages/` names a layout (`_layout.html` in a folder that holds pages). */
  static isLayout(relativePath: string): boolean {
    const folders = relativePath.split(sep).slice(0, -1)
    return basename(relativePath) === LAYOUT && !folders.some((s) => s.startsWith('_') || s.startsWith('.'))
  }

  /** Forgets every layout (before a new scan). */
  clear(): void {
    this.#files.clear()
    this.#parsed.clear()
  }

  /** Records a layout found by the scan (its path relative to `pages/`). */
  add(relativePath: string): void {
    this.#files.add(join(this.#root, 'pages', relativePath))
  }

  /**
   * Wraps the page in its layouts and parses the result once. The page's own budget wins: its
   * `<html>`/`<body>` `budget` when it is a whole document, or the TypeScript page's `budget`;
   * else the layout's. Throws `NANO_E_BAD_DEFINITION` naming the file at fault.
   */
  async parse(page: PageSource): Promise<ParsedPage> {
    const file = relative(this.#root, page.file)
    const whole = isWholeDocument(page.source)
    const chain = whole ? [] : this.#chain(page.file)
    try {
      const { source, used } = await this.#wrap(page.source, file, chain)
      const parsed = parsePage(source, used.length === 0 ? file : `${file} (with ${used.join(', ')})`)
      const own = page.budget === undefined ? undefined : toMs(page.budget, `budget in ${file}`)
      return { ...parsed, budgetMs: used.length === 0 ? (parsed.budgetMs ?? own) : (own ?? parsed.budgetMs) }
    } catch (error) {
      throw new NanoError('NANO_E_BAD_DEFINITION', (error as Error).message, { cause: error })
    }
  }

  async #wrap(source: string, file: string, chain: readonly string[]): Promise<{ source: string; used: string[] }> {
    if (chain.length === 0) return { source, used: [] }
    let content: string | PageContent = splitPage(source, file)
    const used: string[] = []
    for (const layoutFile of chain) {
      const layout = await this.#layout(layoutFile)
      used.push(layout.file)
      content = fillLayout(layout, content)
      if (typeof content === 'string') return { source: content, used }
    }
    const [left] = content.parts.keys()
    if (left !== undefined) throw new TypeError(`${used.at(-1)}: <template slot="${left}"> has no layout above it`)
    return { source: content.body, used }
  }

  /** The layouts above a file, nearest first. */
  #chain(file: string): string[] {
    const pages = join(this.#root, 'pages')
    const chain: string[] = []
    for (let dir = dirname(file); dir.startsWith(pages); dir = dirname(dir)) {
      const candidate = join(dir, LAYOUT)
      if (this.#files.has(candidate)) chain.push(candidate)
      if (dir === pages) break
    }
    return chain
  }

  #layout(file: string): Promise<Layout> {
    let layout = this.#parsed.get(file)
    if (layout === undefined) {
      layout = readFile(file, 'utf8').then((source) => parseLayout(source, relative(this.#root, file)))
      this.#parsed.set(file, layout)
    }
    return layout
  }
}
