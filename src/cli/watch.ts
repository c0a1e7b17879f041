import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { serviceNameOf } from '../registry/scan.ts'
import type { RuntimeApi } from '../runtime/ports.ts'
import { watchTree } from './watch-tree.ts'

/**
 * What one round of service changes did to the set of services.
 *
 * @example
 * const change: ServiceChange = { added: ['weather/now'], removed: [] }
 */
export interface ServiceChange {
  readonly added: readonly string[]
  readonly removed: readonly string[]
}

/**
 * What the watcher uses of a runtime.
 *
 * @example
 * const rt: WatchedRuntime = createRuntime({ root: './app' })
 */
export type WatchedRuntime = Pick<RuntimeApi, 'root' | 'names' | 'reload' | 'broken'>

const SETTLE_MS = 40

/**
 * Watches `<root>/services` and keeps the runtime current: a changed service file is reloaded, an
 * added or removed one (or folder) makes the runtime rescan; each changed service is imported at
 * once so that an error is reported now, not on the next request. Files that are not services by
 * the registry's rules (tests, `_lib/…`) are ignored. `onChange` follows every round of changes.
 * Returns a function that stops watching.
 *
 * @example
 * const stop = watchServices(rt, console.error, ({ added, removed }) => console.log(added, removed))
 */
export function watchServices(
  rt: WatchedRuntime,
  report: (line: string) => void,
  onChange: (change: ServiceChange) => void | Promise<void> = () => {},
): () => void {
  const dir = join(rt.root, 'services')
  const pending = new Map<string, string>()
  let rescan = false
  let timer: NodeJS.Timeout | undefined
  let applying = Promise.resolve()
  const flush = (): void => {
    timer = undefined
    const files = new Map(pending)
    const all = rescan
    pending.clear()
    rescan = false
    applying = applying
      .then(() => applyChanges(rt, dir, files, all, report))
      .then(onChange)
      .catch((error: unknown) => report(`✗ ${error instanceof Error ? error.message : String(error)}`))
  }
  const stop = watchTree(rt.root, 'services', (path, isFolder) => {
    if (isFolder) rescan = true
    else {
      const name = serviceNameOf(path)
      if (name === undefined) return
      pending.set(name, path)
    }
    timer ??= setTimeout(flush, SETTLE_MS)
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    stop()
  }
}

/**
 * Watches `<root>/pages` (which may appear later) and calls `onChange`, debounced, when any page
 * file changes, so the page index forgets its compiled plans. Returns a function that stops
 * watching.
 *
 * @example
 * const stop = watchPages(root, () => pages.reload(), console.error)
 */
export function watchPages(root: string, onChange: () => void, report: (line: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined
  const stop = watchTree(root, 'pages', () => {
    timer ??= setTimeout(() => {
      timer = undefined
      onChange()
      report('↻ pages reloaded')
    }, SETTLE_MS)
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    stop()
  }
}

async function applyChanges(
  rt: WatchedRuntime,
  dir: string,
  files: Map<string, string>,
  rescan: boolean,
  report: (line: string) => void,
): Promise<ServiceChange> {
  const before = new Set(rt.names())
  const exists = (path: string): boolean => existsSync(join(dir, path))
  if (rescan || [...files].some(([name, path]) => !before.has(name) || !exists(path))) await rt.reload()
  else for (const name of files.keys()) await rt.reload(name)
  const after = new Set(rt.names())
  const added = [...after].filter((name) => !before.has(name))
  const removed = [...before].filter((name) => !after.has(name))
  for (const name of removed) report(`− ${name} removed`)
  const broken = new Map((await rt.broken()).map((b) => [b.name, b.error.message]))
  for (const name of new Set([...files.keys(), ...added])) {
    if (!after.has(name)) continue
    const error = broken.get(name)
    if (error !== undefined) report(`✗ ${error}`)
    else report(before.has(name) ? `↻ ${name} reloaded` : `+ ${name} added`)
  }
  return { added, removed }
}
