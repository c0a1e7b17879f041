import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
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
 * The version of a service's code: a hash of its file's bytes, the same in every process and
 * deployment that runs the same code, so cached results can be shared safely.
 *
 * @example
 * await contentVersion({ file: '/app/services/a/b.ts', root: '/app' }) // 'f3a1c09e7b2d4e51'
 */
export async function contentVersion(source: { readonly file: string; readonly root: string }): Promise<string> {
  let bytes: Buffer
  try {
    bytes = await readFile(source.file)
  } catch (error) {
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${relative(source.root, source.file)}: could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      { cause: error },
    )
  }
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16)
}
