/**
 * What the scaffold's package.json is made from: the app's name and the version ranges of its
 * dependencies.
 *
 * @example
 * const m: ManifestInput = { name: 'my-app', core: '^0.1.0', zod: '^4' }
 */
export interface ManifestInput {
  readonly name: string
  /** Range of `@nanoweb/core`, e.g. `^0.1.0`. */
  readonly core: string
  /** Range of `zod`, e.g. `^4`. */
  readonly zod: string
}

/**
 * The new app's package.json: an ES module package with `start`, `dev`, `test` and `check`
 * scripts, which run on the Node 24 of the `node` dev dependency (npm puts it first on the PATH
 * of scripts), so they work where the system's Node is older.
 *
 * @example
 * JSON.parse(packageJson({ name: 'my-app', core: '^0.1.0', zod: '^4' })).type // 'module'
 */
export function packageJson(input: ManifestInput): string {
  const manifest = {
    name: input.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'nanoweb start',
      dev: 'nanoweb dev',
      test: 'node --test "services/**/*.test.ts"',
      check: 'tsc --noEmit',
    },
    dependencies: { '@nanoweb/core': input.core, zod: input.zod },
    devDependencies: { '@types/node': '^24', node: '^24', typescript: '^5.9' },
    allowScripts: { node: true },
  }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

/**
 * The new app's tsconfig.json: strict, `nodenext`, Node's types, no output (Node runs the `.ts`
 * files by type stripping, so only erasable syntax), and every declaration file checked,
 * nanoweb's included.
 *
 * @example
 * JSON.parse(TSCONFIG).compilerOptions.strict // true
 */
export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'esnext',
      lib: ['esnext'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      types: ['node'],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      erasableSyntaxOnly: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
    },
  },
  null,
  2,
)}\n`

/**
 * The new app's .gitignore. `nanoweb-env.d.ts` is kept in git, so that `npm run check` works
 * on a fresh clone (`nanoweb dev` and `nanoweb types` rewrite it); `.nanoweb/` (what `nanoweb
 * build` writes) is not.
 *
 * @example
 * GITIGNORE.includes('node_modules/') // true
 */
export const GITIGNORE = 'node_modules/\n.nanoweb/\n'
