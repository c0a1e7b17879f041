import { existsSync, watch } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { isNanoError } from '../define/errors.ts'
import type { Runtime } from '../runtime/runtime.ts'

const SERVICE_FILE = /\.(ts|js|mts|mjs)$/

/**
 * Watches `<root>/services` and keeps the runtime current: a changed file is reloaded, an added or
 * removed one makes the runtime rescan; each changed service is imported at once so that an error
 * is reported now, not on the next request. Returns a function that stops watching.
 *
 * @example
 * const stop = watchServices(rt, console.error)
 */
export function watchServices(
  rt: Runtime,
  report: (line: string) => void,
  onChange: () => void = () => {},
): () => void {
  const dir = join(rt.root, 'services')
  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    timer = undefined
    const files = [...pending]
    pending.clear()
    void applyChanges(rt, dir, files, report).then(onChange)
  }
  if (!existsSync(dir)) return () => {}
  const watcher = watch(dir, { recursive: true }, (_event, file) => {
    if (file === null || !SERVICE_FILE.test(file)) return
    pending.add(file)
    timer ??= setTimeout(flush, 40)
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    watcher.close()
  }
}

/**
 * Watches `<root>/pages` and calls `onChange` (debounced) when any page file changes, so the
 * page index forgets its compiled plans. Returns a function that stops watching.
 *
 * @example
 * const stop = watchPages(root, () => pages.reload(), console.error)
 */
export function watchPages(root: string, onChange: () => void, report: (line: string) => void): () => void {
  const dir = join(root, 'pages')
  if (existsSync(dir)) return watchFolder(dir, onChange, report)
  let stop: (() => void) | undefined
  const rootWatcher = watch(root, (_event, name) => {
    if (name !== 'pages' || stop !== undefined || !existsSync(dir)) return
    rootWatcher.close()
    stop = watchFolder(dir, onChange, report)
    onChange()
  })
  return () => {
    rootWatcher.close()
    stop?.()
  }
}

function watchFolder(dir: string, onChange: () => void, report: (line: string) => void): () => void {
  let timer: NodeJS.Timeout | undefined
  const watcher = watch(dir, { recursive: true }, () => {
    timer ??= setTimeout(() => {
      timer = undefined
      onChange()
      report('↻ pages reloaded')
    }, 40)
  })
  return () => {
    if (timer !== undefined) clearTimeout(timer)
    watcher.close()
  }
}

async function applyChanges(rt: Runtime, dir: string, files: string[], report: (line: string) => void): Promise<void> {
  const known = new Set(rt.names())
  const names = files.map((f) => f.replace(SERVICE_FILE, '').split(sep).join('/'))
  const rescan = names.some((name, i) => !known.has(name) || !existsSync(join(dir, files[i] as string)))
  if (rescan) await rt.reload()
  else for (const name of names) await rt.reload(name)
  for (const [i, name] of names.entries()) {
    if (!rt.names().includes(name)) {
      if (existsSync(join(dir, files[i] as string))) continue
      report(`− ${name} removed`)
      continue
    }
    try {
      await rt.resolve(name)
      report(`↻ ${name} reloaded`)
    } catch (error) {
      const message = isNanoError(error) ? error.message : String(error)
      report(`✗ ${relative(process.cwd(), join(dir, files[i] as string))}: ${message}`)
    }
  }
}
