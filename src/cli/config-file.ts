import { statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isNanoError } from '../define/errors.ts'
import { importDefault } from '../registry/import-default.ts'
import type { NanowebConfig } from './config.ts'

/**
 * The names an app's config file may have, at the app root. At most one may exist.
 *
 * @example
 * CONFIG_FILES[0] // 'nanoweb.config.ts'
 */
export const CONFIG_FILES = [
  'nanoweb.config.ts',
  'nanoweb.config.mts',
  'nanoweb.config.js',
  'nanoweb.config.mjs',
] as const

/**
 * What {@link loadConfig} found: the config (empty without a file) and the file's name, or what
 * is wrong, one sentence per problem, each starting with the file's name.
 *
 * @example
 * const r: ConfigResult = { ok: false, problems: ["nanoweb.config.ts: unknown option 'prot'"] }
 */
export type ConfigResult =
  | { readonly ok: true; readonly config: NanowebConfig; readonly file: string | undefined }
  | { readonly ok: false; readonly problems: readonly string[] }

/**
 * Loads the app's config file (`nanoweb.config.ts`, `.mts`, `.js` or `.mjs` at `root`) by importing it,
 * and checks its default export against the config's JSON Schema. No file is an empty config.
 * Messages name the file relative to the app root, never by an absolute path.
 *
 * @example
 * const result = await loadConfig('./my-app')
 * if (result.ok) console.log(result.config.port)
 */
export async function loadConfig(root: string): Promise<ConfigResult> {
  const absolute = resolve(root)
  const found = CONFIG_FILES.filter((name) => statSync(join(absolute, name), { throwIfNoEntry: false })?.isFile())
  const [name] = found
  if (name === undefined) return { ok: true, config: {}, file: undefined }
  if (found.length > 1) return { ok: false, problems: [`${found.join(' and ')} both exist: keep one of them`] }
  let config: unknown
  try {
    config = await importDefault(
      { file: join(absolute, name), root: absolute, reload: 0 },
      (value): value is unknown => typeof value === 'object' && value !== null && !Array.isArray(value),
      'export default defineConfig({ … })',
    )
  } catch (error) {
    return { ok: false, problems: [isNanoError(error) ? error.message : `${name}: ${String(error)}`] }
  }
  const { configProblems } = await import('./config-schema.ts') // compiles its schema: paid only with a config file
  const problems = configProblems(config)
  if (problems.length > 0) return { ok: false, problems: problems.map((problem) => `${name}: ${problem}`) }
  return { ok: true, config: config as NanowebConfig, file: name }
}
