import { pathToFileURL } from 'node:url'
import { NanoError } from '../define/errors.ts'

/**
 * Imports a project file (a service or a page) and returns its default export, after checking it
 * with `is`. `version` > 0 imports a fresh copy (a reload). Any failure is `NANO_E_BAD_DEFINITION`
 * naming the file and saying what it must export.
 *
 * @example
 * const def = await importDefault(file, 0, isServiceDefinition, 'export default service({ input, output, run })')
 */
export async function importDefault<T>(
  file: string,
  version: number,
  is: (value: unknown) => value is T,
  expected: string,
): Promise<T> {
  const url = pathToFileURL(file).href + (version === 0 ? '' : `?v=${version}`)
  let mod: { default?: unknown }
  try {
    mod = (await import(url)) as { default?: unknown }
  } catch (error) {
    throw new NanoError('NANO_E_BAD_DEFINITION', `${file}: could not be imported: ${(error as Error).message}`, {
      cause: error,
    })
  }
  if (!is(mod.default)) {
    const what = mod.default === undefined ? 'has no default export' : 'exports something else by default'
    throw new NanoError('NANO_E_BAD_DEFINITION', `${file}: ${what}. It must end with: ${expected}`)
  }
  return mod.default
}
