import { type ChildProcess, spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import type { TestContext } from 'node:test'
import { BIN } from '../helpers/cli.ts'
import { REPO } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

/** A `nanoweb` process whose output is kept, killed after the test if still running. */
export interface Launched {
  readonly child: ChildProcess
  readonly out: { stdout: string; stderr: string }
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Its output so far, for failure messages. */
  output(): string
}

/**
 * Runs `nanoweb <args>` with Node 24.
 *
 * @example
 * const app = launch(t, ['start', root, '--port', '0'])
 */
export function launch(t: TestContext, args: string[]): Launched {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = { stdout: '', stderr: '' }
  child.stdout?.on('data', (d) => {
    out.stdout += d.toString()
  })
  child.stderr?.on('data', (d) => {
    out.stderr += d.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  return { child, out, exited, output: () => `stdout:\n${out.stdout}\nstderr:\n${out.stderr}` }
}

/**
 * The URL the process prints once it listens.
 *
 * @example
 * const url = await urlOf(app)
 */
export function urlOf(app: Launched): Promise<string> {
  return waitFor(
    () => /http:\/\/\S+/.exec(app.out.stdout)?.[0].replace('localhost', '127.0.0.1'),
    'the URL to be printed',
    app,
  )
}

/**
 * {@link until}, failing with the process's output as it is at the failure.
 *
 * @example
 * await waitFor(() => app.out.stderr.includes('x') || undefined, 'x logged', app)
 */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  app: Launched,
  ms = 40_000,
): Promise<T> {
  try {
    return await until(check, what, ms)
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${app.output()}`)
  }
}

/** An HTTP answer. */
export interface Answer {
  readonly status: number
  readonly text: string
}

/**
 * A request on a new connection (no keep-alive): POST with a JSON body, or GET without one.
 * Rejects when the connection fails or nothing comes within `ms`.
 *
 * @example
 * const { status, text } = await send(`${url}/api/hello`, '{}')
 */
export function send(url: string, body?: string, ms = 60_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const method = body === undefined ? 'GET' : 'POST'
    const headers = body === undefined ? {} : { 'content-type': 'application/json' }
    const req = httpRequest(url, { method, agent: false, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      res.on('error', reject)
    })
    req.setTimeout(ms, () => req.destroy(new Error(`no answer from ${url} within ${ms} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * The JSON log lines of a process's stderr (other lines skipped).
 *
 * @example
 * records(app.out.stderr).find((r) => r.service === 'boom')
 */
export function records(stderr: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = []
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue
    try {
      found.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      // a line cut by the reader: the next read completes it
    }
  }
  return found
}

/**
 * The first log record whose message includes `text`, or undefined.
 *
 * @example
 * await waitFor(() => logged(app, 'uncaught exception'), 'the exception logged', app)
 */
export function logged(app: Launched, text: string): Record<string, unknown> | undefined {
  return records(app.out.stderr).find((r) => typeof r.message === 'string' && r.message.includes(text))
}
