import { readFile } from 'node:fs/promises'
import { stripTypeScriptTypes } from 'node:module'
import { relative, sep } from 'node:path'
import { type BuildOptions, type PartialMessage, type Plugin, transform } from 'esbuild'

const PROJECT_CODE = /\.[cm]?[jt]s$/
const TYPESCRIPT = /\.[cm]?ts$/
const IMPORT_META = /\bimport\.meta\.(url|filename|dirname)\b/g
const COMPUTED_IMPORT = /\bimport\s*\(\s*(?!(['"])[^'"`\n]*\1\s*[,)])/

/** How a file with `import(<computed path>)` is reported: it is loaded on its own, not an error. */
export const COMPUTED_IMPORT_REASON = 'imports a computed path (import(…)), which only works from its own file'

/**
 * The esbuild options of `nanoweb build`: one ES module for Node.js, npm packages left as imports
 * (so `@nanoweb/core`, zod and the rest are the ones the app has installed, shared with the
 * runtime), the app's own files read by {@link projectFiles}.
 *
 * @example
 * await build({ ...bundleOptions('/app', '/app/.nanoweb'), stdin: { contents: entry, resolveDir: '/app' } })
 */
export function bundleOptions(root: string, outDir: string): BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    packages: 'external',
    absWorkingDir: root,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [projectFiles(outDir)],
  }
}

/**
 * Reads the app's own files as Node.js would run them: TypeScript is stripped by Node's own
 * `stripTypeScriptTypes` (so a file Node would refuse, e.g. one with an `enum`, fails the build
 * as it fails its import), and `import.meta.url`, `.filename` and `.dirname` keep naming the
 * file itself rather than the bundle (written relative to the bundle, so the app can be moved).
 * A file that imports a computed path (`import(\`./locales/${lang}.ts\`)`, resolved relative to
 * the file at run time) is refused with {@link COMPUTED_IMPORT_REASON}.
 *
 * @example
 * build({ ...options, plugins: [projectFiles('/app/.nanoweb')] })
 */
export function projectFiles(outDir: string): Plugin {
  return {
    name: 'nanoweb-project-files',
    setup(b) {
      b.onLoad({ filter: PROJECT_CODE }, async (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined
        const text = await readFile(args.path, 'utf8')
        let code = text
        try {
          if (TYPESCRIPT.test(args.path)) code = quietly(() => stripTypeScriptTypes(text))
        } catch (error) {
          return { errors: await locatedErrors(text, args.path, error as Error) }
        }
        if (COMPUTED_IMPORT.test(code)) return { errors: [{ text: COMPUTED_IMPORT_REASON }] }
        return { contents: withOwnLocation(code, relative(outDir, args.path).split(sep).join('/')), loader: 'js' }
      })
    },
  }
}

/** Node's stripper names no line: esbuild's TypeScript parser finds where a syntax error is. */
async function locatedErrors(text: string, file: string, error: Error): Promise<PartialMessage[]> {
  const unlocated = [{ text: error.message }]
  try {
    await transform(text, { loader: 'ts', sourcefile: file, logLevel: 'silent' })
    return unlocated
  } catch (failure) {
    return (failure as { errors?: PartialMessage[] }).errors ?? unlocated
  }
}

function withOwnLocation(code: string, fromBundle: string): string {
  if (!code.includes('import.meta.')) return code
  const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url)`
  let needsPath = false
  const rewritten = code.replace(IMPORT_META, (_match, what: string) => {
    if (what === 'url') return `${url}.href`
    needsPath = true
    return what === 'filename' ? `__nano_toPath(${url})` : `__nano_dirname(__nano_toPath(${url}))`
  })
  if (!needsPath) return rewritten
  const helpers = `import { fileURLToPath as __nano_toPath } from 'node:url'; import { dirname as __nano_dirname } from 'node:path'; `
  return helpers + rewritten
}

/** Runs `fn` without the one-time ExperimentalWarning of `stripTypeScriptTypes` on stderr. */
function quietly<T>(fn: () => T): T {
  const emit = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('stripTypeScriptTypes')) return
    ;(emit as (...args: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return fn()
  } finally {
    process.emitWarning = emit
  }
}
