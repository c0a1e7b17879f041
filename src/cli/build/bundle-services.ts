import { readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { build, type Message, type Metafile, type OutputFile } from 'esbuild'
import picomatch from 'picomatch'
import { NanoError } from '../../define/errors.ts'
import { declaresUntrusted } from '../../isolate/trust-router.ts'
import { scanServices } from '../../registry/scan.ts'
import { BUILD_DIR, type BundledFile, type BundledService } from '../../runtime/bundled-executor.ts'
import { contentVersion, versionOf } from '../../runtime/executor.ts'
import { bundleOptions, COMPUTED_IMPORT_REASON } from './bundle-plugin.ts'
import { withEagerHints } from './eager-hints.ts'
import { groupServices } from './groups.ts'

/**
 * A service `nanoweb build` left out of the bundle, and why (it is imported on its own at run time).
 *
 * @example
 * const s: SkippedService = { name: 'plugins/x', file: 'services/plugins/x.ts', reason: 'untrusted: runs in a V8 isolate' }
 */
export interface SkippedService {
  readonly name: string
  readonly file: string
  readonly reason: string
  /** True when the file does not bundle for an error (false: untrusted, or a computed import). */
  readonly error: boolean
}

/**
 * What bundling an app's services produced: the bundle's files (code and source map), the
 * services in it, the shared project files it holds, and the services left out.
 *
 * @example
 * const { services, skipped } = await bundleServices({ root: '/app' })
 */
export interface BundledServices {
  readonly outputs: readonly OutputFile[]
  readonly services: readonly BundledService[]
  readonly shared: readonly BundledFile[]
  readonly skipped: readonly SkippedService[]
  /** Packages the bundle imports rather than holds (`node:` modules left out). */
  readonly externals: readonly string[]
}

interface Candidate extends BundledFile {
  readonly path: string
  readonly size: number
  readonly mtimeMs: number
}

const UNTRUSTED = 'untrusted: runs in a V8 isolate'

/**
 * Bundles the app's trusted services into ES modules of about 500 services each (`export const
 * services = { name: () => import(file) }`, each service a lazily run closure; services sharing a
 * project file in the same module). Untrusted services (`trust: 'untrusted'`
 * written in the file, or named by the `untrusted` globs) are left out, and so is every service
 * whose file does not bundle (found by bundling the services one by one when the whole fails);
 * the rest is bundled all the same. Writes nothing.
 *
 * @example
 * const result = await bundleServices({ root: './app', untrusted: ['plugins/**'] })
 */
export async function bundleServices(options: {
  readonly root: string
  readonly untrusted?: readonly string[]
}): Promise<BundledServices> {
  const root = resolve(options.root)
  const isUntrusted = picomatch(options.untrusted === undefined ? [] : [...options.untrusted])
  const skipped: SkippedService[] = []
  const candidates: Candidate[] = []
  for (const { name, file } of scanServices(root)) {
    const rel = appPath(root, file)
    const { size, mtimeMs } = statSync(file)
    const bytes = readFileSync(file)
    if (isUntrusted(name) || declaresUntrusted(bytes.toString('utf8'))) {
      skipped.push({ name, file: rel, reason: UNTRUSTED, error: false })
      continue
    }
    candidates.push({ name, file: rel, path: file, version: versionOf(name, bytes), size, mtimeMs })
  }
  let chosen = candidates
  let result = await bundleOf(root, chosen)
  if ('errors' in result) {
    const failures = await failuresOf(root, candidates)
    skipped.push(...failures)
    chosen = candidates.filter((c) => !failures.some((f) => f.name === c.name))
    result = await bundleOf(root, chosen)
    if ('errors' in result)
      throw new NanoError(
        'NANO_E_BAD_DEFINITION',
        `The services bundle on their own but not together: ${describe(root, result.errors)}`,
      )
  }
  const byFile = new Map(chosen.map((c) => [c.file, c]))
  const groups = groupServices([...byFile.keys()], result.metafile)
  const outputs: OutputFile[] = []
  const services: BundledService[] = []
  await Promise.all(
    groups.map(async (files, i) => {
      const chunk = `services-${i + 1}.js`
      const members = files.map((file) => byFile.get(file) as Candidate)
      const built = await bundleOf(root, members, chunk)
      if ('errors' in built) throw new NanoError('NANO_E_BAD_DEFINITION', describe(root, built.errors))
      outputs.push(...(await Promise.all(built.outputs.map(hinted))))
      for (const { name, file, version, size, mtimeMs } of members)
        services.push({ name, file, version, size, mtimeMs, chunk })
    }),
  )
  services.sort((a, b) => (a.name < b.name ? -1 : 1))
  return {
    outputs,
    services,
    shared: sharedFiles(root, result.metafile),
    skipped,
    externals: externalsOf(result.metafile),
  }
}

/** The packages the bundle imports rather than holds, in the order it first imports them. */
function externalsOf(metafile: Metafile): string[] {
  const externals = new Set<string>()
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (external === true && !path.startsWith('node:') && !path.startsWith('.')) externals.add(path)
    }
  }
  return [...externals]
}

/** A bundle file with {@link withEagerHints}; its source map as it is. */
async function hinted(output: OutputFile): Promise<OutputFile> {
  if (!output.path.endsWith('.js')) return output
  const text = await withEagerHints(output.text)
  if (text === output.text) return output
  const contents = new TextEncoder().encode(text)
  return { path: output.path, contents, hash: output.hash, text }
}

type Outcome = { readonly outputs: OutputFile[]; readonly metafile: Metafile } | { readonly errors: readonly Message[] }

async function bundleOf(root: string, services: readonly Candidate[], chunk?: string): Promise<Outcome> {
  const outDir = join(root, BUILD_DIR)
  const lines = services.map((s) => `  ${JSON.stringify(s.name)}: () => import(${JSON.stringify(`./${s.file}`)}),`)
  try {
    const out = await build({
      ...bundleOptions(root, outDir),
      stdin: { contents: `export const services = {\n${lines.join('\n')}\n}\n`, resolveDir: root, loader: 'js' },
      outfile: join(outDir, chunk ?? 'all.js'),
      sourcemap: chunk === undefined ? false : 'linked',
      sourcesContent: false,
    })
    return { outputs: out.outputFiles ?? [], metafile: out.metafile ?? { inputs: {}, outputs: {} } }
  } catch (error) {
    return { errors: (error as { errors?: Message[] }).errors ?? [messageOf(error)] }
  }
}

async function failuresOf(root: string, candidates: readonly Candidate[]): Promise<SkippedService[]> {
  const failures: SkippedService[] = []
  const queue = [...candidates]
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const service = next
      await build({
        ...bundleOptions(root, join(root, BUILD_DIR)),
        entryPoints: [service.path],
        metafile: false,
      }).catch((error: unknown) => {
        const errors = (error as { errors?: Message[] }).errors ?? [messageOf(error)]
        const reason = describe(root, errors)
        const failed = !reason.includes(COMPUTED_IMPORT_REASON)
        failures.push({ name: service.name, file: service.file, reason, error: failed })
      })
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return failures.sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** Project files that other project files import: the bundle holds their code too. */
function sharedFiles(root: string, metafile: Metafile): BundledFile[] {
  const imported = new Set<string>()
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (file === '<stdin>') continue
    for (const { path, external } of input.imports) {
      if (external !== true && !path.split('/').includes('node_modules')) imported.add(path)
    }
  }
  return [...imported].sort().map((file) => ({
    name: file,
    file,
    version: contentVersion({ name: file, file: join(root, file), root }),
  }))
}

function describe(root: string, errors: readonly Message[]): string {
  const [first] = errors
  if (first === undefined) return 'esbuild failed without saying why'
  const at = first.location
  const where = at === null ? '' : `${appPath(root, resolve(root, at.file))}:${at.line}:${at.column + 1}: `
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  return `${where}${first.text}${more}`
}

function messageOf(error: unknown): Message {
  const text = error instanceof Error ? error.message : String(error)
  return { id: '', pluginName: '', text, location: null, notes: [], detail: undefined }
}

function appPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
}
