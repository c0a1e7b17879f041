import cluster from 'node:cluster'
import { statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { type AppServerOptions, createServer } from '../../assembly/create-server.ts'
import { installProcessGuards } from '../../assembly/process-guards.ts'
import { superviseWorkers, workerPorts } from '../../cluster/workers/index.ts'
import type { NanoError } from '../../define/errors.ts'
import type { NanoServer } from '../../http/server.ts'
import { generateTypes } from '../../registry/types-file.ts'
import { atLeast, batchedWriter, foldRepeats, jsonLineSink, type LogSink, levelRank } from '../../runtime/logger.ts'
import { systemClock } from '../../runtime/ports.ts'
import { prettyLineSink } from '../../runtime/pretty-log.ts'
import type { LogFormat } from '../config.ts'
import { loadConfig } from '../config-file.ts'
import { EXIT, fail } from '../output.ts'
import { moduleTypeProblem } from '../package-type.ts'
import { type ServeOptions, type ServeSettings, serveSettings } from '../serve-settings.ts'
import { type ServiceChange, watchPages, watchServices } from '../watch.ts'

/**
 * `nanoweb start [root]`: serve until SIGTERM or SIGINT, then shut down gracefully and exit 0.
 * Before anything is served, the app is checked: a folder with services/ or pages/, whose
 * nearest package.json says `"type": "module"` (or that has none), and a valid config file if
 * it has one (`nanoweb.config.ts`); else exit 2 saying what to fix. The options given (flags,
 * environment) win over the config file, which wins over the defaults (port 3000 on 127.0.0.1,
 * logs from `info` up as JSON lines on stderr, an access log). With `workers`, this process supervises that many
 * worker processes, which serve the port and share published topics (`superviseWorkers`).
 *
 * @example
 * await startCommand('examples/news', { port: 3000, host: '127.0.0.1' })
 */
export async function startCommand(root: string, options: ServeOptions): Promise<void> {
  if (options.workers !== undefined && cluster.isPrimary) {
    const loaded = await loadConfig(root)
    const shutdownTimeoutMs = (loaded.ok ? loaded.config.shutdownTimeoutMs : undefined) ?? 10_000
    const log = (line: string): void => void process.stderr.write(`${line}\n`)
    process.exit(await superviseWorkers({ count: options.workers, shutdownTimeoutMs, log }))
  }
  const ports = workerPorts()
  const served = await listen(
    root,
    options,
    false,
    ports === undefined ? {} : { topics: ports.topics, sharedCache: ports.sharedCache },
  )
  if (served === undefined) {
    if (ports !== undefined) process.exit() // a worker's channel would keep it alive
    return
  }
  const { server, shutdownTimeoutMs } = served
  installProcessGuards({ servers: [server], replaceOnStall: ports !== undefined })
  stopOnSignals(server, [], shutdownTimeoutMs)
  announce(server, 'start')
}

/**
 * `nanoweb dev [root]`: like start (but logs from `debug` up, in the pretty form), and watches services/ and pages/: a changed or new file is
 * live on the next request; a file with an error is reported and the others keep serving; pages
 * are compiled again after every change, so a slot naming a missing or broken fragment is logged.
 * `nanoweb-env.d.ts` is written at start and again whenever services are added or removed. The
 * URL is printed once the watchers are armed. The config file is read once, at start: restart to
 * apply a change to it.
 *
 * @example
 * await devCommand('examples/news', { port: 3000, host: '127.0.0.1' })
 */
export async function devCommand(root: string, options: ServeOptions): Promise<void> {
  const served = await listen(root, options, true)
  if (served === undefined) return
  const { server, shutdownTimeoutMs } = served
  installProcessGuards({ servers: [server] })
  const report = (line: string): void => {
    process.stderr.write(`${line}\n`)
  }
  const writeTypes = (): Promise<string | undefined> =>
    generateTypes(server.runtime.root, () => {}).catch((error: unknown) => {
      report(`✗ nanoweb-env.d.ts not written: ${(error as Error).message}`)
      return undefined
    })
  const reloadPages = (): void => {
    server.app.pages.reload()
    void server.app.pages.compileAll()
  }
  const onServices = async (change: ServiceChange): Promise<void> => {
    reloadPages()
    if (change.added.length === 0 && change.removed.length === 0) return
    const file = await writeTypes()
    if (file !== undefined) report(`↻ ${relative('.', file)} updated`)
  }
  const stopServices = watchServices(server.runtime, report, onServices)
  const stopPages = watchPages(server.runtime.root, reloadPages, report)
  stopOnSignals(server, [stopServices, stopPages], shutdownTimeoutMs)
  await writeTypes()
  announce(server, 'dev')
}

async function listen(
  root: string,
  options: ServeOptions,
  dev: boolean,
  extra: Partial<AppServerOptions> = {},
): Promise<{ readonly server: NanoServer; readonly shutdownTimeoutMs: number } | undefined> {
  const problem = projectProblem(root) ?? moduleTypeProblem(root)
  if (problem !== undefined) {
    fail(new Error(problem), EXIT.USAGE)
    return undefined
  }
  const loaded = await loadConfig(root)
  if (!loaded.ok) {
    for (const text of loaded.problems) fail(new Error(text), EXIT.USAGE)
    return undefined
  }
  const settings = serveSettings({ options, config: loaded.config, dev })
  try {
    const shared = settings.nats === undefined ? extra : {}
    const server = await createServer({ ...serverOptions(root, settings, dev), ...shared })
    return { server, shutdownTimeoutMs: settings.shutdownTimeoutMs ?? 10_000 }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      fail(new Error(`Port ${settings.port} is in use. Stop whatever uses it, or pass --port <another>.`))
    else if (code === 'EACCES')
      fail(new Error(`Not allowed to listen on port ${settings.port}. Use a port above 1023.`))
    else fail(error)
    return undefined
  }
}

function serverOptions(root: string, settings: ServeSettings, dev: boolean): AppServerOptions {
  const { logLevel, logFormat, accessLog, ...rest } = settings
  const lines = lineSink(logFormat, batchedWriter())
  return {
    ...rest,
    root,
    logLevel,
    logger: foldRepeats(lines, { clock: systemClock }),
    // access lines are `info`: under a quieter level none would be written, so none are made
    accessLog: accessLog && levelRank(logLevel) <= levelRank('info') ? atLeast(logLevel, lines) : false,
    ...(dev
      ? { bundle: false, onInvalidFile: (error: NanoError) => process.stderr.write(`✗ ${error.message}\n`) }
      : {}),
  }
}

/** Every record, as JSON lines or for a person; coloured when stderr is a terminal and NO_COLOR is unset. */
function lineSink(format: LogFormat, write: (line: string) => void): LogSink {
  if (format === 'json') return jsonLineSink('debug', write)
  return prettyLineSink('debug', write, { color: process.stderr.isTTY === true && !process.env.NO_COLOR })
}

function announce(server: NanoServer, command: string): void {
  const count = server.runtime.names().length
  const shown = server.url.replace('127.0.0.1', 'localhost')
  const from = relative('.', server.runtime.root) || '.'
  process.stdout.write(`nanoweb ${command}: ${count} services from ${from} on ${shown}\n`)
}

function projectProblem(root: string): string | undefined {
  const isFolder = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true
  if (!isFolder(root)) return `${root} is not a folder. Pass the project folder, e.g. nanoweb start examples/news`
  if (isFolder(join(root, 'services')) || isFolder(join(root, 'pages'))) return undefined
  return `${root} has neither services/ nor pages/, so there is nothing to serve. A project folder must contain services/ (one file per service, e.g. services/hello.ts; nanoweb new hello --root ${root} makes one) or pages/ (HTML pages)`
}

/** How long after `shutdownTimeoutMs` a shutdown that has not finished is cut short (exit 1). */
const HARD_EXIT_AFTER_MS = 250

/**
 * On SIGTERM or SIGINT: drain (at most `shutdownTimeoutMs`), exit 0. The process ends even when
 * the drain does not finish: 250 ms after the timeout it exits with code 1, and should its event
 * loop be stalled then, the watchdog thread kills it 1 s after the timeout.
 */
function stopOnSignals(server: NanoServer, cleanups: (() => void)[], shutdownTimeoutMs: number): void {
  const stop = (): void => {
    const deadline = Date.now() + shutdownTimeoutMs
    server.loopWatch?.exitBy(deadline)
    setTimeout(() => {
      process.stderr.write(`nanoweb: shutdown still running ${shutdownTimeoutMs} ms after the signal: exiting\n`)
      process.exit(EXIT.FAILED)
    }, shutdownTimeoutMs + HARD_EXIT_AFTER_MS).unref()
    for (const cleanup of cleanups) cleanup()
    server.close().then(
      () => process.exit(EXIT.OK),
      () => process.exit(EXIT.FAILED),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
