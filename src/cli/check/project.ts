import { join, relative } from 'node:path'
import { AssetRegistry } from '../../compose/assets.ts'
import { PageIndex } from '../../compose/pages.ts'
import type { LinkedSlot } from '../../compose/plan.ts'
import type { ServiceDefinition } from '../../define/service.ts'
import type { CatalogEntry } from '../../registry/catalog.ts'
import type { BrokenService } from '../../runtime/ports.ts'
import { createRuntime } from '../../runtime/runtime.ts'

/**
 * One page as the server would compile it: its file, its `uses` (TypeScript pages) and its linked
 * slots (layouts included), or the error that stops it compiling.
 *
 * @example
 * const page: PageFacts = { file: 'pages/index.html', uses: [], slots: plan.slots, error: undefined }
 */
export interface PageFacts {
  readonly file: string
  readonly uses: readonly string[]
  readonly slots: readonly LinkedSlot[]
  readonly error: unknown
}

/**
 * A project loaded as `nanoweb ls` and the server load it: every service (the catalog), the files
 * that do not load, and every page compiled and linked.
 *
 * @example
 * const project = await loadProject('examples/news')
 */
export interface Project {
  readonly catalog: readonly CatalogEntry[]
  readonly broken: readonly BrokenService[]
  /** Every service name of the project, those that do not load included. */
  readonly names: readonly string[]
  readonly pages: readonly PageFacts[]
  /** The loaded definition of a service, for checks that need its schemas as code. */
  definition(name: string): ServiceDefinition | undefined
}

/**
 * Loads the project at `root` with a quiet runtime (no logs), compiles its pages with the page
 * compiler itself, and closes the runtime's resources; definitions stay readable afterwards.
 *
 * @example
 * const { catalog, pages } = await loadProject('.')
 */
export async function loadProject(root: string): Promise<Project> {
  const rt = createRuntime({ root, logger: false })
  try {
    const [catalog, broken] = await Promise.all([rt.catalog(), rt.broken()])
    const index = new PageIndex({
      root: rt.root,
      caller: rt,
      assets: new AssetRegistry({ servicesDir: join(rt.root, 'services'), urlPrefix: '/_nano/assets/' }),
    })
    const pages = await Promise.all(
      index.entries().map(async (entry): Promise<PageFacts> => {
        const file = relative(rt.root, entry.file).split('\\').join('/')
        try {
          const { plan, definition } = await index.compile(entry)
          return { file, uses: definition?.uses ?? [], slots: plan.slots, error: undefined }
        } catch (error) {
          return { file, uses: [], slots: [], error }
        }
      }),
    )
    const loaded = new Map(catalog.map((entry) => [entry.name, rt.loaded(entry.name)]))
    return { catalog, broken, names: rt.names(), pages, definition: (name) => loaded.get(name) }
  } finally {
    await rt.close()
  }
}
