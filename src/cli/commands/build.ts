import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { NanoError } from '../../define/errors.ts'
import {
  BUILD_DIR,
  type BundleManifest,
  EXTERNALS_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
} from '../../runtime/bundled-executor.ts'
import type { BundledServices } from '../build/bundle-services.ts'
import { loadConfig } from '../config-file.ts'
import { EXIT, fail } from '../output.ts'
import { ownVersion } from '../own-package.ts'

/**
 * `nanoweb build [root]`: bundles the app's trusted services into `<root>/.nanoweb/services-<n>.js`
 * (about 500 services a file, with source maps; what was there before is removed) and writes `<root>/.nanoweb/manifest.json` (nanoweb version, build time,
 * each service's name, file and content version), which `nanoweb start` then loads from. Prints
 * a summary; a service whose file does not bundle for an error is listed with it (it will be
 * imported on its own, as without a build) and the exit code is 1, the bundle of the others
 * written all the same. Untrusted services (isolates) and files importing computed paths are
 * listed as left out (exit 0).
 *
 * @example
 * await buildCommand('examples/news')
 */
export async function buildCommand(root: string): Promise<void> {
  const started = performance.now()
  try {
    const folder = resolve(root)
    if (statSync(join(folder, 'services'), { throwIfNoEntry: false })?.isDirectory() !== true)
      throw new NanoError('NANO_E_NOT_FOUND', `${root} has no services/ folder: there is nothing to build`)
    const loaded = await loadConfig(folder)
    if (!loaded.ok) throw new NanoError('NANO_E_BAD_DEFINITION', loaded.problems.join('; '))
    const { bundleServices } = await import('../build/bundle-services.ts') // esbuild: loaded by this command only
    const bundled = await bundleServices({ root: folder, untrusted: loaded.config.untrusted })
    const bytes = write(folder, bundled)
    report(root, bundled, bytes, performance.now() - started)
    if (bundled.skipped.some((s) => s.error)) process.exitCode = EXIT.FAILED
  } catch (error) {
    fail(error)
  }
}

function write(root: string, bundled: BundledServices): number {
  const dir = join(root, BUILD_DIR)
  const manifest: BundleManifest = {
    format: MANIFEST_FORMAT,
    nanoweb: ownVersion(),
    builtAt: new Date().toISOString(),
    services: bundled.services,
    shared: bundled.shared,
    skipped: bundled.skipped,
    externals: bundled.externals,
  }
  let bytes = 0
  try {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '.gitignore'), '# written by nanoweb build\n*\n')
    for (const output of bundled.outputs) {
      writeFileSync(join(dir, basename(output.path)), output.contents)
      if (output.path.endsWith('.js')) bytes += output.contents.byteLength
    }
    writeFileSync(
      join(dir, EXTERNALS_FILE),
      bundled.externals.map((name) => `import ${JSON.stringify(name)}\n`).join(''),
    )
    writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new NanoError('NANO_E_INTERNAL', `Could not write ${BUILD_DIR}/ in the app folder (${code})`, {
      cause: error,
    })
  }
  return bytes
}

function report(root: string, bundled: BundledServices, bytes: number, ms: number): void {
  const where = `${relative('.', join(root, BUILD_DIR)) || BUILD_DIR}/`
  const files = new Set(bundled.services.map((s) => s.chunk)).size
  const size = bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`
  const count = bundled.services.length
  process.stdout.write(
    `nanoweb build: ${count} service${count === 1 ? '' : 's'} bundled into ${where} (${files} file${files === 1 ? '' : 's'}, ${size}) in ${(ms / 1000).toFixed(2)} s\n`,
  )
  for (const skipped of bundled.skipped) {
    const line = `${skipped.error ? '✗' : '-'} ${skipped.file} not bundled (${skipped.reason}); it is loaded on its own\n`
    ;(skipped.error ? process.stderr : process.stdout).write(line)
  }
}
