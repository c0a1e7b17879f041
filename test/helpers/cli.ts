import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO } from './project.ts'
import { until as waitFor } from './wait.ts'

const run = promisify(execFile)
/** The nanoweb command's entry file. */
export const BIN = join(REPO, 'bin/nanoweb.js')

/**
 * Runs `nanoweb <args>` to completion with Node 24 and returns its exit code and output.
 *
 * @example
 * const r = await nanoweb(['ls', root])
 */
export async function nanoweb(args: string[], cwd = REPO): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/**
 * Starts a long-running `nanoweb <args>` (start or dev with --port 0) and waits for the URL it
 * prints. The process is killed after the test if still running.
 *
 * @example
 * const { url, child } = await serve(t, ['start', root, '--port', '0'])
 */
export async function serve(
  t: import('node:test').TestContext,
  args: string[],
): Promise<{ url: string; child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 20_000)
    child.stdout.on('data', (d) => {
      stdout += d.toString()
      const match = /http:\/\/[^\s]+/.exec(stdout)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[0].replace('localhost', '127.0.0.1'))
      }
    })
    child.once('exit', () => reject(new Error(`exited early: ${stderr}`)))
  })
  return { url, child, stderr: () => stderr, exited }
}

/**
 * Waits until `check` resolves true (a rejection counts as false), for at most `ms`.
 *
 * @example
 * await until(async () => (await fetch(url)).ok)
 */
export async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  await waitFor(async () => ((await check().catch(() => false)) ? true : undefined), 'the condition', ms)
}
