import { readdirSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { generateTypes } from '../../registry/types-file.ts'
import { EXIT, fail } from '../output.ts'
import { ownManifest } from '../own-package.ts'
import { appFiles } from '../scaffold/app.ts'

/**
 * Options of `nanoweb init`.
 *
 * @example
 * const o: InitOptions = { force: true }
 */
export interface InitOptions {
  /** Write into a folder that is not empty; files of the same name are replaced. */
  readonly force?: boolean
}

/**
 * `nanoweb init [dir]`: writes a working app into `dir` (made if missing): package.json,
 * tsconfig.json, .gitignore, README.md, `services/hello.ts` and `services/hello-card.ts` with
 * their tests, `pages/index.html` and `nanoweb-env.d.ts`; then prints the commands to run it.
 * Refuses (exit 2) a folder that is not empty (a `.git` alone does not count) unless `force`.
 *
 * @example
 * await initCommand('my-app', {})
 */
export async function initCommand(dir: string, options: InitOptions): Promise<void> {
  const problem = folderProblem(dir, options.force === true)
  if (problem !== undefined) {
    fail(new Error(problem), EXIT.USAGE)
    return
  }
  const own = ownManifest()
  const files = appFiles({
    name: appName(dir),
    core: `^${own.version}`,
    zod: majorRange(own.dependencies?.zod ?? own.devDependencies?.zod),
  })
  try {
    for (const [path, text] of Object.entries(files)) {
      const file = join(dir, path)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, text)
    }
    await generateTypes(dir)
  } catch (error) {
    fail(error)
    return
  }
  const here = resolve(dir) === resolve('.')
  const shown = here ? '.' : dir
  const steps = [...(here ? [] : [`cd ${quoted(dir)}`]), 'npm install', 'npm start']
  process.stdout.write(
    `Created a nanoweb app in ${shown}.\n\nNext:\n${steps.map((step) => `  ${step}\n`).join('')}\nThen open http://localhost:3000/\n`,
  )
}

function folderProblem(dir: string, force: boolean): string | undefined {
  const stat = statSync(dir, { throwIfNoEntry: false })
  if (stat === undefined) return undefined
  if (!stat.isDirectory())
    return `${dir} exists and is not a folder. Pass a new or empty folder, e.g. nanoweb init my-app`
  if (force) return undefined
  const entries = readdirSync(dir).filter((entry) => entry !== '.git')
  if (entries.length === 0) return undefined
  return `${dir} is not empty (it has ${entries.length === 1 ? entries[0] : `${entries.length} entries`}). Pass a new or empty folder, e.g. nanoweb init my-app, or add --force to write the app into ${dir} anyway (files of the same name are replaced)`
}

/** A valid npm package name from the folder's name. */
function appName(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
    .slice(0, 214)
  return name === '' ? 'nanoweb-app' : name
}

/** `^<major>` of a range such as `^4.6.7`; `^4` when there is none. */
function majorRange(range: string | undefined): string {
  const major = /\d+/.exec(range ?? '')?.[0]
  return `^${major ?? '4'}`
}

function quoted(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `"${path.replaceAll('"', '\\"')}"`
}
