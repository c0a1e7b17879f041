import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isServiceDefinition, type ServiceDefinition } from '../define/service.ts'
import { importEagerly } from './eager-import.ts'
import { contentVersion, importExecutor } from './executor.ts'
import type { Executor, ServiceSource } from './ports.ts'

/** The folder, under an app's root, that `nanoweb build` writes. */
export const BUILD_DIR = '.nanoweb'
/** The manifest's file name in {@link BUILD_DIR}. */
export const MANIFEST_FILE = 'manifest.json'
/** The manifest format this runtime reads; a manifest of another format is ignored. */
export const MANIFEST_FORMAT = 1
/** The module in {@link BUILD_DIR} that imports the bundle's {@link BundleManifest.externals}. */
export const EXTERNALS_FILE = 'externals.js'

/**
 * What `nanoweb build` wrote: the services in the bundle with the content version of the file
 * each was built from, and the other project files the bundle holds (`shared`, e.g. a `lib/`
 * module several services import) with theirs. Paths are relative to the app root, with `/`.
 *
 * @example
 * const m: BundleManifest = { format: 1, nanoweb: '0.1.0', builtAt: '2026-11-30T12:00:00.000Z', shared: [], skipped: [],
 *   services: [{ name: 'hello', file: 'services/hello.ts', version: 'Xq3Lk9_a1Bz', chunk: 'services-1.js' }] }
 */
export interface BundleManifest {
  readonly format: number
  /** The nanoweb version that built it (for people; not checked). */
  readonly nanoweb: string
  /** When it was built (ISO 8601). */
  readonly builtAt: string
  readonly services: readonly BundledService[]
  /** Project files bundled because other project files import them. */
  readonly shared: readonly BundledFile[]
  /**
   * The packages the bundle imports rather than holds (`zod`, `@nanoweb/core`, …), imported by
   * {@link EXTERNALS_FILE}: loaded before the bundle files, which are then compiled at once
   * (`importEagerly`). Absent in manifests of earlier builds.
   */
  readonly externals?: readonly string[]
  /** Services left out of the bundle, and why (imported one by one at run time). */
  readonly skipped: readonly {
    readonly name: string
    readonly file: string
    readonly reason: string
    /** True for a file that does not bundle for an error; false for one left out by design (untrusted, computed imports). */
    readonly error: boolean
  }[]
}

/**
 * A file in the bundle: its service name (or its path for a shared file), its path relative to
 * the root and its `contentVersion` when it was bundled.
 *
 * @example
 * const f: BundledFile = { name: 'hello', file: 'services/hello.ts', version: 'Xq3Lk9_a1Bz' }
 */
export interface BundledFile {
  readonly name: string
  readonly file: string
  readonly version: string
}

/**
 * A service in the bundle: its file as {@link BundledFile}, the size and modification time the
 * file had when it was read for the build, and the bundle file (in `.nanoweb/`) that holds it.
 *
 * @example
 * const s: BundledService = { name: 'hello', file: 'services/hello.ts', version: 'Xq3Lk9_a1Bz', size: 212, mtimeMs: 1764500000000, chunk: 'services-1.js' }
 */
export interface BundledService extends BundledFile {
  /** Bytes of the file at the build (absent in manifests of earlier builds). */
  readonly size?: number
  /** `mtimeMs` of the file at the build (absent in manifests of earlier builds). */
  readonly mtimeMs?: number
  readonly chunk: string
}

type LazyModule = () => Promise<{ readonly default?: unknown }>

interface Built {
  /** Absolute path of the file the service was built from. */
  readonly path: string
  readonly version: string
  readonly size: number | undefined
  readonly mtimeMs: number | undefined
  /** URL of the bundle file that holds it. */
  readonly url: string
}

interface Bundle {
  readonly built: ReadonlyMap<string, Built>
  /** The bundle file at `url`, imported once. */
  readonly module: (url: string) => Promise<Readonly<Record<string, LazyModule>>>
}

/**
 * An {@link Executor} over the bundle `nanoweb build` wrote to `<root>/.nanoweb/`: a service the
 * bundle holds, at the version its file has now, is taken from the bundle (imported once, the
 * service's own code run only when it is first loaded); any other — not in the bundle, edited
 * since the build, reloaded (`reload > 0`), or failing inside the bundle — is imported from its
 * file by `importExecutor`, so its code and errors are exactly those of today. The manifest is
 * read on the first load; a missing or unreadable one, one of another format, or one whose shared
 * files changed since, leaves every service to `importExecutor`.
 *
 * @example
 * const executor = new BundledExecutor('/app')
 * const def = await executor.load({ name: 'hello', file: '/app/services/hello.ts', root: '/app', reload: 0 })
 */
export class BundledExecutor implements Executor {
  readonly #root: string
  #bundle: Bundle | null | undefined

  constructor(root: string) {
    this.#root = resolve(root)
  }

  /** True when `<root>/.nanoweb/manifest.json` exists (whether it turns out usable or not). */
  static builtIn(root: string): boolean {
    return existsSync(join(root, BUILD_DIR, MANIFEST_FILE))
  }

  /**
   * The version the bundle holds of a service whose file has the size and modification time it
   * had when the build read it (one `stat`, no read): the same bytes, short of someone writing
   * other bytes of the same length and putting the time back. Undefined otherwise, or for a
   * manifest of an earlier build: then the loader reads and hashes the file.
   */
  vouch(source: Pick<ServiceSource, 'name' | 'file'>): string | undefined {
    const built = this.#built(source)
    if (built?.size === undefined) return undefined
    try {
      const { size, mtimeMs } = statSync(source.file)
      return size === built.size && mtimeMs === built.mtimeMs ? built.version : undefined
    } catch {
      return undefined
    }
  }

  async load(source: ServiceSource): Promise<ServiceDefinition> {
    const bundled = source.reload === 0 ? await this.#fromBundle(source) : undefined
    return bundled ?? importExecutor.load(source)
  }

  /** What the bundle holds of the service, when it was built from the same file (the bundle opened on first use). */
  #built(source: Pick<ServiceSource, 'name' | 'file'>): Built | undefined {
    this.#bundle ??= openBundle(this.#root) ?? null
    const built = this.#bundle?.built.get(source.name)
    return built?.path === source.file ? built : undefined
  }

  async #fromBundle(source: ServiceSource): Promise<ServiceDefinition | undefined> {
    const built = this.#built(source)
    if (built === undefined || (source.version ?? contentVersion(source)) !== built.version) return undefined
    try {
      const init = (await (this.#bundle as Bundle).module(built.url))[source.name]
      const definition = init === undefined ? undefined : (await init()).default
      return isServiceDefinition(definition) ? definition : undefined
    } catch {
      return undefined
    }
  }
}

/**
 * The manifest of `<root>/.nanoweb/`, or undefined when there is none or it cannot be read as one.
 *
 * @example
 * readBundleManifest('/app')?.services.length // 2000
 */
export function readBundleManifest(root: string): BundleManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(root, BUILD_DIR, MANIFEST_FILE), 'utf8')) as BundleManifest
    const valid =
      manifest.format === MANIFEST_FORMAT && Array.isArray(manifest.services) && Array.isArray(manifest.shared)
    return valid ? manifest : undefined
  } catch {
    return undefined
  }
}

function openBundle(root: string): Bundle | undefined {
  const manifest = readBundleManifest(root)
  if (manifest === undefined || !manifest.shared.every((file) => unchanged(root, file))) return undefined
  const dir = join(root, BUILD_DIR)
  const urls = new Map<string, string>()
  const built = new Map<string, Built>()
  for (const { name, file, version, size, mtimeMs, chunk } of manifest.services) {
    const url = urls.get(chunk) ?? pathToFileURL(join(dir, chunk)).href
    urls.set(chunk, url)
    built.set(name, { path: join(root, file), version, size, mtimeMs, url })
  }
  const loading = new Map<string, Promise<Readonly<Record<string, LazyModule>>>>()
  const externals = manifest.externals?.length ? pathToFileURL(join(dir, EXTERNALS_FILE)).href : undefined
  let importedFirst: Promise<unknown> | undefined
  return {
    built,
    module: (url) => {
      let module = loading.get(url)
      if (module === undefined) {
        importedFirst ??= externals === undefined ? Promise.resolve() : import(externals)
        module = importedFirst
          .then(() => importEagerly<{ services?: Record<string, LazyModule> }>(url))
          .then((mod) => mod.services ?? {})
        loading.set(url, module)
      }
      return module
    },
  }
}

function unchanged(root: string, shared: BundledFile): boolean {
  try {
    return contentVersion({ name: shared.name, file: join(root, shared.file), root }) === shared.version
  } catch {
    return false
  }
}
