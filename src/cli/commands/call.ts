import { NanoError } from '../../define/errors.ts'
import { jsonLineSink } from '../../runtime/logger.ts'
import { createRuntime } from '../../runtime/runtime.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb call <name> [json]`: calls the service in-process (or on a running server with
 * `--url`) and prints its output as JSON. Exit 1 when the call fails, 2 for a bad JSON argument.
 *
 * @example
 * await callCommand('weather/current', '{"city":"Leeds"}', { root: 'examples/news' })
 */
export async function callCommand(name: string, json: string, options: { url?: string; root: string }): Promise<void> {
  let input: unknown
  try {
    input = JSON.parse(json)
  } catch (error) {
    fail(
      new Error(
        `The input is not valid JSON (${(error as Error).message}). Quote it for your shell, e.g. '{"city":"Leeds"}'`,
      ),
      EXIT.USAGE,
    )
    return
  }
  try {
    const output =
      options.url === undefined
        ? await callInProcess(name, input, options.root)
        : await callRemote(name, input, options.url)
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`)
  } catch (error) {
    fail(error)
  }
}

async function callInProcess(name: string, input: unknown, root: string): Promise<unknown> {
  const rt = createRuntime({ root, logger: jsonLineSink('warn', (line) => process.stderr.write(line)) })
  try {
    return await rt.call(name, input as never, { caller: 'cli' })
  } finally {
    await rt.close()
  }
}

async function callRemote(name: string, input: unknown, base: string): Promise<unknown> {
  const url = `${base.replace(/\/+$/, '')}/api/${name}`
  let res: Response
  try {
    res = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/json' },
    })
  } catch (error) {
    throw new Error(
      `Could not reach ${url} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}): is the server running?`,
    )
  }
  const body = (await res.json().catch(() => undefined)) as { error?: unknown } | undefined
  if (res.ok) return body
  if (body?.error === undefined) throw new Error(`${url} answered ${res.status} without a nanoweb error body`)
  throw NanoError.fromJSON(body)
}
