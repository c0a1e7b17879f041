import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { REPO } from '../lib/project.ts'
import { freePort } from './nats-server.ts'

const run = promisify(execFile)
const CLI = join(REPO, 'bin/nanoweb.js')

/**
 * Whether `nanoweb start --help` lists every one of the given flags (so the bench can tell which
 * cluster CLI flags have landed).
 *
 * @example
 * await startHasFlags(['--workers']) // true once the flag exists
 */
export async function startHasFlags(flags: readonly string[]): Promise<boolean> {
  const { stdout } = await run(process.execPath, [CLI, 'start', '--help'])
  return flags.every((flag) => stdout.includes(flag))
}

/**
 * A `nanoweb start` process of the bench's own.
 *
 * @example
 * const node: StartedNode = await startNode('examples/news', [])
 */
export interface StartedNode {
  readonly port: number
  readonly child: ChildProcess
  /** SIGTERM to its process group (the node and any workers), SIGKILL after 3 s; waits for the exit. */
  stop(): Promise<void>
}

/**
 * Spawns `nanoweb start <root> --port <free port> --log-level warn <args>` in a process group of
 * its own, registers it with `track` (so the caller can kill it on exit), and waits until
 * `/_nano/ready` answers 200.
 *
 * @example
 * const node = await startNode(root, ['--workers', '2'], children)
 * await node.stop()
 */
export async function startNode(root: string, args: readonly string[], track: Set<ChildProcess>): Promise<StartedNode> {
  const port = await freePort()
  const child = spawn(process.execPath, [CLI, 'start', root, '--port', String(port), '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  track.add(child)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-child.pid, name)
    } catch {
      // already gone
    }
  }
  const stop = async () => {
    signal('SIGTERM')
    const timer = setTimeout(() => signal('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    track.delete(child)
  }
  const ready = `http://127.0.0.1:${port}/_nano/ready`
  for (let tries = 0; ; tries += 1) {
    const status = await fetch(ready).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) break
    if (tries > 300 || child.exitCode !== null) {
      await stop()
      throw new Error(
        `nanoweb start ${args.join(' ')} was not ready (exit ${child.exitCode}, last status ${status}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
      )
    }
    await sleep(100)
  }
  return { port, child, stop }
}

/**
 * Kills a node's whole process group at once (for the bench's exit handler).
 *
 * @example
 * process.on('exit', () => killGroup(child))
 */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * Requests/s and p99 (ms) of `wrk -t1 -c<connections> -d<seconds>s` on a GET URL; throws on non-2xx answers.
 *
 * @example
 * const { rps, p99Ms } = await wrk('http://127.0.0.1:3000/', 32, 5)
 */
export async function wrk(url: string, connections: number, seconds: number): Promise<{ rps: number; p99Ms: number }> {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1])
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout)
  const factor = { us: 0.001, ms: 1, s: 1000 }[(p99?.[2] ?? 'ms') as 'us' | 'ms' | 's']
  if (/Non-2xx/.test(stdout)) throw new Error(`non-2xx answers from ${url}:\n${stdout}`)
  return { rps, p99Ms: Number(p99?.[1]) * factor }
}
