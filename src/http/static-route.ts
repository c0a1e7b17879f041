import { realpath, stat } from 'node:fs/promises'
import { sep } from 'node:path'
import type { AssetRegistry } from '../compose/assets.ts'
import { NanoError } from '../define/errors.ts'
import type { Exchange, Reply } from './exchange.ts'
import { fileUnder } from './file-path.ts'
import type { FileServer } from './files.ts'

/**
 * Serves a fragment's declared CSS or JS at `/_nano/assets/<fragment>/<file>`: only files a
 * fragment named, nothing else.
 *
 * @example
 * await serveAsset(files, assets, ex, headers) // ex.path '/_nano/assets/sport/score-box/score-box.css'
 */
export function serveAsset(
  files: FileServer,
  assets: AssetRegistry,
  ex: Exchange,
  headers: Record<string, string>,
): Promise<Reply> {
  const asset = assets.lookup(ex.path)
  if (asset === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No asset at ${ex.path}`)
  return within(asset.file, assets.servicesDir).then((inside) => {
    if (!inside) throw new NanoError('NANO_E_NOT_FOUND', `No asset at ${ex.path}`)
    return files.serve(ex, asset.file, headers)
  })
}

const realDirs = new Map<string, string>()

/**
 * True when `file` exists and its real path (symbolic links resolved) is inside the real path of
 * `dir`: a link inside a served folder may point elsewhere in it, never out of it.
 *
 * @example
 * await within('/app/public/passwd', '/app/public') // false when passwd links to /etc/passwd
 */
export async function within(file: string, dir: string): Promise<boolean> {
  let real = realDirs.get(dir)
  try {
    if (real === undefined) {
      real = await realpath(dir)
      realDirs.set(dir, real)
    }
    return (await realpath(file)).startsWith(real + sep)
  } catch {
    return false
  }
}

/**
 * Serves a file of `dir` at `prefix` + its path: `/_assets/…` from `<root>/pages/_assets`, and
 * the app's `public/` folder at `/`. Refuses what {@link fileUnder} refuses (traversal, dotfiles,
 * directories) as not found; a file asked for with a method other than `GET`/`HEAD` is a 405.
 *
 * @example
 * await serveDir(files, { dir: '/app/public', prefix: '/' }, ex, headers) // ex.path '/robots.txt'
 */
export async function serveDir(
  files: FileServer,
  where: { readonly dir: string; readonly prefix: string },
  ex: Exchange,
  headers: Record<string, string>,
): Promise<Reply> {
  const file = fileUnder(where.dir, ex.path.slice(where.prefix.length))
  if (file === undefined || !(await within(file, where.dir)))
    throw new NanoError('NANO_E_NOT_FOUND', `Nothing at ${ex.path}`)
  if (ex.method === 'GET' || ex.method === 'HEAD') return files.serve(ex, file, headers)
  const found = await stat(file).catch(() => undefined)
  if (found === undefined || !found.isFile()) throw new NanoError('NANO_E_NOT_FOUND', `Nothing at ${ex.path}`)
  headers.allow = 'GET, HEAD'
  throw new NanoError('NANO_E_METHOD_NOT_ALLOWED', `${ex.method} is not allowed on a file; use GET`)
}
