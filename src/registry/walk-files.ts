import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/**
 * Every file under `dir`, as paths relative to it (platform separators), sorted. Symbolic links
 * are followed only when they resolve inside `dir` itself: a link out of the folder (to
 * `/etc`, to the home directory, to `..`) is left out, and each real directory is read once
 * (real folders first, then links in name order), so a link cycle cannot make the walk endless
 * and a linked folder keeps its real path. A missing `dir` has no files.
 *
 * @example
 * walkFiles('/app/pages') // ['_layout.html', 'index.html', 'sport/[match].html']
 */
export function walkFiles(dir: string): string[] {
  let root: string
  try {
    root = realpathSync(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const found: string[] = []
  const seen = new Set<string>([root])
  const queue: string[] = [dir]
  const links: string[] = []
  for (;;) {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const entry of readdirSync(next, { withFileTypes: true }) as Dirent[]) {
        const path = join(next, entry.name)
        if (entry.isSymbolicLink()) links.push(path)
        else if (entry.isFile()) found.push(relative(dir, path))
        else if (entry.isDirectory() && followed(path, root, seen) === 'dir') queue.push(path)
      }
    }
    const link = links.sort().shift()
    if (link === undefined) break
    const kind = followed(link, root, seen)
    if (kind === 'dir') queue.push(link)
    else if (kind === 'file') found.push(relative(dir, link))
  }
  return found.sort()
}

/** What a link or directory leads to, when it stays inside `root` and is not a directory read already. */
function followed(path: string, root: string, seen: Set<string>): 'dir' | 'file' | undefined {
  let target: string
  try {
    target = realpathSync(path)
  } catch {
    return undefined
  }
  if (target !== root && !target.startsWith(root + sep)) return undefined
  const stats = statSync(target, { throwIfNoEntry: false })
  if (stats === undefined) return undefined
  if (stats.isFile()) return 'file'
  if (!stats.isDirectory() || seen.has(target)) return undefined
  seen.add(target)
  return 'dir'
}
