import { builtinModules } from 'node:module'
import { relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build, type Message, type Plugin } from 'esbuild'
import { NanoError } from '../define/errors.ts'
import type { ServiceSource } from '../runtime/ports.ts'

const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
const INSIDE = (file: string): string => fileURLToPath(new URL(`./inside/${file}${OWN_EXTENSION}`, import.meta.url))
const BUILTIN = new Set(builtinModules)
const SHARED_ZOD = /^zod(\/v4)?$/

const COMMON: BuildOptions = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'neutral',
  target: 'es2023',
  mainFields: ['module', 'main'],
  conditions: ['import', 'module', 'default'],
  legalComments: 'none',
  logLevel: 'silent',
}

/**
 * The code every isolate of an app starts with: the isolate-side runner, the pure `define/`
 * parts that `@nanoweb/core` stands for inside, and zod when the app has it (shared by every
 * service, so a service's own bundle holds only its own code). Built once per app root.
 *
 * @example
 * const base = await bundleBase('/app') // { code, hasZod: true }
 */
export async function bundleBase(root: string): Promise<{ readonly code: string; readonly hasZod: boolean }> {
  const entry = (withZod: boolean): string =>
    [
      `import * as core from ${JSON.stringify(INSIDE('core'))}`,
      `import { installRunner } from ${JSON.stringify(INSIDE('runner'))}`,
      withZod ? `import * as zod from 'zod'` : 'const zod = undefined',
      'installRunner({ core, zod })',
    ].join('\n')
  for (const withZod of [true, false]) {
    try {
      const out = await build({
        ...COMMON,
        minify: true,
        stdin: { contents: entry(withZod), resolveDir: root, loader: 'js' },
      })
      return { code: out.outputFiles?.[0]?.text ?? '', hasZod: withZod }
    } catch (error) {
      if (!withZod) throw error
    }
  }
  throw new Error('unreachable')
}

/**
 * Bundles one untrusted service with its dependencies into a script for its isolate, with
 * `@nanoweb/core` (and zod, when shared) taken from the isolate's base. A Node.js module cannot
 * be bundled: it fails with `NANO_E_BAD_DEFINITION` naming the file and the module.
 *
 * @example
 * const code = await bundleService(source, { hasZod: true }) // 'var __nanoService = (() => { … })()'
 */
export async function bundleService(source: ServiceSource, base: { readonly hasZod: boolean }): Promise<string> {
  try {
    const out = await build({
      ...COMMON,
      entryPoints: [source.file],
      globalName: '__nanoService',
      sourcemap: false,
      plugins: [isolatePlugin(base.hasZod)],
    })
    return out.outputFiles?.[0]?.text ?? ''
  } catch (error) {
    throw new NanoError('NANO_E_BAD_DEFINITION', bundleFailure(source, error), { cause: error })
  }
}

function isolatePlugin(hasZod: boolean): Plugin {
  return {
    name: 'nanoweb-isolate',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === '@nanoweb/core') return { path: 'core', namespace: 'nano-shared' }
        if (hasZod && SHARED_ZOD.test(args.path)) return { path: 'zod', namespace: 'nano-shared' }
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path
        if (!args.path.startsWith('node:') && !BUILTIN.has(bare) && !BUILTIN.has(bare.split('/')[0] as string))
          return undefined
        return { errors: [{ text: `an untrusted service cannot import the Node.js module '${args.path}'` }] }
      })
      b.onLoad({ filter: /.*/, namespace: 'nano-shared' }, (args) => ({
        contents: `module.exports = globalThis.__nanoShared[${JSON.stringify(args.path)}]`,
        loader: 'js',
      }))
    },
  }
}

function bundleFailure(source: ServiceSource, error: unknown): string {
  const path = appPath(source.root, source.file)
  const first = (error as { errors?: Message[] }).errors?.[0]
  if (first === undefined) return `${path}: could not be bundled for its isolate: ${(error as Error).message}`
  const at = first.location
  const where = at === null ? '' : ` (${appPath(source.root, resolve(at.file))}:${at.line}:${at.column + 1})`
  return `${path}: ${first.text}${where}`
}

function appPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
}
