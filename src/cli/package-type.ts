import { readFileSync, statSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'

/**
 * The package.json that decides how Node loads the files of the app at `root`: the nearest one
 * in `root` or a folder above it, as Node looks for it (up to the filesystem root, not past a
 * `node_modules` folder). Undefined when there is none.
 *
 * @example
 * nearestPackageJson('./my-app') // '/home/ada/my-app/package.json'
 */
export function nearestPackageJson(root: string): string | undefined {
  let dir = resolve(root)
  for (;;) {
    if (basename(dir) === 'node_modules') return undefined
    const file = join(dir, 'package.json')
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * Why the app at `root` cannot run as an ES module, if so: its nearest package.json (see
 * {@link nearestPackageJson}) does not say `"type": "module"` (as after `npm init -y`), or cannot
 * be read. nanoweb's service files are ES modules; under CommonJS they would fail on first use.
 * An app with no package.json above it at all is fine.
 *
 * @example
 * moduleTypeProblem('./my-app') // 'nanoweb apps are ES modules, but my-app/package.json says "type": "commonjs". …'
 */
export function moduleTypeProblem(root: string): string | undefined {
  const file = nearestPackageJson(root)
  if (file === undefined) return undefined
  const shown = relative('.', file) || file
  let type: unknown
  try {
    type = (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type
  } catch (error) {
    return `${shown} could not be read as JSON (${(error as Error).message}). Fix it, and make sure it has "type": "module": nanoweb apps are ES modules`
  }
  if (type === 'module') return undefined
  const says = type === undefined ? 'has no "type"' : `says "type": ${JSON.stringify(type)}`
  return `nanoweb apps are ES modules, but ${shown} ${says}. Add "type": "module" to ${shown}, then start again`
}
