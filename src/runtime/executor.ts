import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { NanoError } from '../define/errors.ts'
import { isServiceDefinition, type ServiceDefinition } from '../define/service.ts'
import { importDefault } from '../registry/import-default.ts'
import type { Executor, ServiceSource } from './ports.ts'

/**
 * The in-process {@link Executor}: imports the service file as an ES module in this process
 * (`?v=N` after the Nth reload, so a reload gets fresh code). Modules cannot be unloaded.
 *
 * @example
 * const def = await importExecutor.load({ name: 'a/b', file: '/app/services/a/b.ts', root: '/app', reload: 0 })
 */
export const importExecutor: Executor = Object.freeze({
  load(source: ServiceSource): Promise<ServiceDefinition> {
    return importDefault(source, isServiceDefinition, 'export default service({ input, output, run })')
  },
})

/**
 * The version of a service's code: a hash (66 bits, base64url) of its name and its file's bytes,
 * the same in every process and deployment that runs the same code, so cached results can be
 * shared safely; short, because it starts every cache key of the service.
 *
 * @example
 * contentVersion({ name: 'a/b', file: '/app/services/a/b.ts', root: '/app' }) // 'Xq3Lk9_a1Bz'
 */
export function contentVersion(source: {
  readonly name: string
  readonly file: string
  readonly root: string
}): string {
  return versionOf(source.name, readSource(source))
}

/**
 * The bytes of a service's file, or `NANO_E_BAD_DEFINITION` naming it (relative to the root)
 * when it cannot be read.
 *
 * @example
 * const bytes = readSource({ file: '/app/services/a/b.ts', root: '/app' })
 */
export function readSource(source: { readonly file: string; readonly root: string }): Buffer {
  try {
    return readFileSync(source.file)
  } catch (error) {
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${relative(source.root, source.file)}: could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    )
  }
}

/**
 * The {@link contentVersion} of a service named `name` whose file holds `bytes`.
 *
 * @example
 * versionOf('a/b', readSource(source)) // 'Xq3Lk9_a1Bz'
 */
export function versionOf(name: string, bytes: Uint8Array): string {
  return createHash('sha256').update(name).update('\u0000').update(bytes).digest('base64url').slice(0, 11)
}
