import { relative } from 'node:path'
import type { NanoError } from '../../define/errors.ts'
import { createServer, type NanoServer } from '../../http/server.ts'
import { jsonLineSink } from '../../runtime/logger.ts'
import { EXIT, fail } from '../output.ts'
import { watchPages, watchServices } from '../watch.ts'

/**
 * Options of `nanoweb start` and `nanoweb dev`.
 *
 * @example
 * const o: ServeOptions = { port: 3000, host: '127.0.0.1' }
 */
export interface ServeOptions {
  readonly port: number
  readonly host: string
}

/**
 * `nanoweb start [root]`: serve until SIGTERM or SIGINT, then shut down gracefully and exit 0.
 *
 * @example
 * await startCommand('examples/news', { port: 3000, host: '127.0.0.1' })
 */
export async function startCommand(root: string, options: ServeOptions): Promise<void> {
  const server = await listen(root, options, false)
  if (server !== undefined) stopOnSignals(server, [])
}

/**
 * `nanoweb dev [root]`: like start, and watches services/: a changed or new file is live on the
 * next request; a file with an error is reported and the others keep serving.
 *
 * @example
 * await devCommand('examples/news', { port: 3000, host: '127.0.0.1' })
 */
export async function devCommand(root: string, options: ServeOptions): Promise<void> {
  const server = await listen(root, options, true)
  if (server === undefined) return
  const report = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const reloadPages = (): void => server.app.pages.reload()
  const stopServices = watchServices(server.runtime, report, reloadPages)
  const stopPages = watchPages(server.runtime.root, reloadPages, report)
  stopOnSignals(server, [stopServices, stopPages])
}

async function listen(root: string, options: ServeOptions, dev: boolean): Promise<NanoServer | undefined> {
  try {
    const server = await createServer({
      root,
      port: options.port,
      host: options.host,
      logger: jsonLineSink(dev ? 'debug' : 'info', (line) => process.stderr.write(line)),
      ...(dev ? { onInvalidFile: (error: NanoError) => process.stderr.write(`✗ ${error.message}\n`) } : {}),
    })
    const count = server.runtime.names().length
    const shown = server.url.replace('127.0.0.1', 'localhost')
    process.stdout.write(
      `nanoweb ${dev ? 'dev' : 'start'}: ${count} services from ${relative('.', server.runtime.root) || '.'} on ${shown}\n`,
    )
    return server
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      fail(new Error(`Port ${options.port} is in use. Stop whatever uses it, or pass --port <another>.`))
    else if (code === 'EACCES') fail(new Error(`Not allowed to listen on port ${options.port}. Use a port above 1023.`))
    else fail(error)
    return undefined
  }
}

function stopOnSignals(server: NanoServer, cleanups: (() => void)[]): void {
  const stop = (): void => {
    for (const cleanup of cleanups) cleanup()
    server.close().then(
      () => process.exit(EXIT.OK),
      () => process.exit(EXIT.FAILED),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
