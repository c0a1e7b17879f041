/**
 * Child processes of `bench:peers`: every one is tracked, bounded by a timeout, and killed (its
 * whole process group, by pid) in a `finally` or, at the latest, when this process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) kill(child)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130))

/**
 * Starts a command in its own process group, tracked for clean-up.
 *
 * @example
 * const child = launch('workerd', ['serve', 'config.capnp'])
 */
export function launch(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let errors = ''
  child.stderr?.on('data', (d: Buffer) => {
    errors = (errors + d.toString()).slice(-2000)
  })
  child.stdout?.resume()
  Object.defineProperty(child, 'lastErrors', { get: () => errors })
  return child
}

/**
 * Kills a launched child and its process group (SIGKILL, by pid); waits for it to exit.
 *
 * @example
 * await stop(child)
 */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  kill(child)
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
}

function kill(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

/**
 * Resolves with the first match of `pattern` in the child's stdout; rejects on exit or timeout.
 *
 * @example
 * const [, port] = await readyLine(child, /ready (\d+)/, 60_000)
 */
export function readyLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${errorsOf(child)}`)),
      timeoutMs,
    )
    child.stdout?.on('data', (d: Buffer) => {
      seen = (seen + d.toString()).slice(-4000)
      const match = pattern.exec(seen)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before ${pattern}: ${errorsOf(child)}`))
    })
  })
}

/**
 * Polls `url` until it answers 200 with a body that passes `check`; returns the body. Rejects
 * when the child exits or `timeoutMs` passes.
 *
 * @example
 * await firstAnswer(child, 'http://127.0.0.1:8080/', (body) => body.includes('</html>'), 60_000)
 */
export async function firstAnswer(
  child: ChildProcess,
  url: string,
  check: (body: string) => boolean,
  timeoutMs: number,
  init: RequestInit = {},
): Promise<string> {
  const deadline = performance.now() + timeoutMs
  let last = ''
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${errorsOf(child)}`)
    try {
      const res = await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(Math.ceil(Math.max(1, deadline - performance.now()))),
      })
      const body = await res.text()
      if (res.status === 200 && check(body)) return body
      last = `${res.status} ${body.slice(0, 300)}`
    } catch (error) {
      last = String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`${url} gave no whole answer within ${timeoutMs} ms (last: ${last}; ${errorsOf(child)})`)
}

/**
 * Resident memory in bytes of a process and all its descendants (from /proc).
 *
 * @example
 * const bytes = treeRss(child.pid as number)
 */
export function treeRss(pid: number): number {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {}
  }
  let total = 0
  const visit = (p: number) => {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) * 1024
    } catch {}
    for (const [child, parent] of parents) if (parent === p) visit(child)
  }
  visit(pid)
  return total
}

function errorsOf(child: ChildProcess): string {
  return (child as ChildProcess & { lastErrors?: string }).lastErrors?.trim() || 'no stderr'
}
