import { relative } from 'node:path'
import { type CatalogEntry, catalogEntry } from '../registry/catalog.ts'
import type { IndexEntry, ServiceIndex } from '../registry/index-of-services.ts'
import type { BrokenService, ServiceDescription } from './ports.ts'
import type { PreparedService } from './prepare.ts'
import { describeService } from './remote-definition.ts'

type Index = ServiceIndex<PreparedService>

/**
 * The catalog entries of every service that loads, sorted by name.
 *
 * @example
 * const entries = await catalogOf(index)
 */
export async function catalogOf(index: Index): Promise<CatalogEntry[]> {
  const loaded = await Promise.allSettled(entries(index).map((entry) => index.load(entry)))
  const found: CatalogEntry[] = []
  for (const result of loaded) {
    if (result.status !== 'fulfilled') continue
    const svc = result.value
    found.push(catalogEntry(svc.name, relative(index.root, svc.file), svc.definition))
  }
  return found
}

/**
 * The services whose file does not load, with their error code and message.
 *
 * @example
 * const broken = await brokenOf(index)
 */
export async function brokenOf(index: Index): Promise<BrokenService[]> {
  const all = entries(index)
  const loaded = await Promise.allSettled(all.map((entry) => index.load(entry)))
  const broken: BrokenService[] = []
  loaded.forEach((result, i) => {
    if (result.status === 'fulfilled') return
    const entry = all[i] as IndexEntry<PreparedService>
    const error = result.reason as { code?: unknown; message?: unknown }
    broken.push({
      name: entry.name,
      file: relative(index.root, entry.file),
      error: {
        code: typeof error?.code === 'string' ? error.code : 'NANO_E_BAD_DEFINITION',
        message: typeof error?.message === 'string' ? error.message : String(result.reason),
      },
    })
  })
  return broken
}

/**
 * Makes services (all when `names` is undefined) ready, with everything they use; reports each
 * that does not load to `failed` and never rejects.
 *
 * @example
 * await warmUp(index, ['news/top-story'], (name, error) => console.error(name, error))
 */
export async function warmUp(
  index: Index,
  names: readonly string[] | undefined,
  failed: (name: string, error: unknown) => void,
): Promise<void> {
  const chosen = names === undefined ? entries(index) : names.map((n) => index.get(n))
  await Promise.all(
    chosen.map(async (entry) => {
      if (entry === undefined) return
      try {
        await index.ready(entry)
      } catch (error) {
        failed(entry.name, error)
      }
    }),
  )
}

/**
 * What another node needs to call service `name` (see {@link describeService}), loading it
 * first; undefined when it is not known here or does not load.
 *
 * @example
 * const description = await describeOf(index, 'weather/current')
 */
export function describeOf(index: Index, name: string): Promise<ServiceDescription | undefined> {
  const entry = index.get(name)
  if (entry === undefined) return Promise.resolve(undefined)
  return index.ready(entry).then(
    (svc) => describeService(svc, relative(index.root, svc.file)),
    () => undefined,
  )
}

function entries(index: Index): IndexEntry<PreparedService>[] {
  return index.names().map((n) => index.get(n) as IndexEntry<PreparedService>)
}
