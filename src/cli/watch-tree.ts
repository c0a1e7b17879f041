import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs'
import { join, relative, sep } from 'node:path'

/**
 * Called for each change under the watched folder: the path relative to it (`''` for the folder
 * itself), and whether that path is (or was) a folder.
 *
 * @example
 * const onEvent: TreeEvent = (path, isFolder) => console.log(isFolder ? 'folder' : 'file', path)
 */
export type TreeEvent = (path: string, isFolder: boolean) => void

/**
 * Watches `<root>/<folder>` and everything beneath it, one watcher per folder, so that a file
 * replaced by an atomic save (a temp file renamed over it, `sed -i`, an editor's safe-write) is
 * still seen on every later save: a folder's watcher reports its entries by name, whatever inode
 * they have. Folders added later are watched too; the folder itself may appear or disappear.
 * Returns a function that stops watching.
 *
 * @example
 * const stop = watchTree('/app', 'services', (path) => console.log('changed', path))
 */
export function watchTree(root: string, folder: string, onEvent: TreeEvent): () => void {
  const top = join(root, folder)
  const watchers = new Map<string, FSWatcher>()
  const disarm = (dir: string): void => {
    for (const [path, watcher] of watchers) {
      if (path !== dir && !path.startsWith(dir + sep)) continue
      watcher.close()
      watchers.delete(path)
    }
  }
  const arm = (dir: string): void => {
    if (watchers.has(dir)) return
    try {
      const watcher = watch(dir, (_event, name) => changed(dir, name))
      watcher.on('error', () => disarm(dir))
      watchers.set(dir, watcher)
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) arm(join(dir, entry.name))
      }
    } catch {
      disarm(dir)
    }
  }
  const changed = (dir: string, name: string | null): void => {
    const path = name === null ? dir : join(dir, name)
    const wasFolder = watchers.has(path)
    if (isFolder(path)) arm(path)
    else if (wasFolder) disarm(path)
    onEvent(relative(top, path), wasFolder || watchers.has(path))
  }
  const rootWatcher = watch(root, (_event, name) => {
    if (name !== folder || isFolder(top) === watchers.has(top)) return
    if (isFolder(top)) arm(top)
    else disarm(top)
    onEvent('', true)
  })
  rootWatcher.on('error', () => {})
  if (isFolder(top)) arm(top)
  return () => {
    rootWatcher.close()
    disarm(top)
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
