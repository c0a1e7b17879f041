import { guardProcess } from '../guard/process-guards.ts'
import type { NanoServer } from '../http/server.ts'
import type { LogSink } from '../runtime/logger.ts'

/**
 * Options of {@link installProcessGuards}.
 *
 * @example
 * const options: ProcessGuardOptions = { servers: [server], replaceOnStall: false }
 */
export interface ProcessGuardOptions {
  /** The servers of this process: their requests in flight are answered before an exit. */
  readonly servers: readonly NanoServer[]
  /** Where the guards log. Default: the first server's runtime log. */
  readonly log?: LogSink
  /**
   * This process is one of several a supervisor keeps running (`nanoweb start --workers`): a
   * stalled event loop ends it (once logged), so that the supervisor starts a fresh one. Default false.
   */
  readonly replaceOnStall?: boolean
}

/**
 * Guards this process against trusted services that misbehave (`nanoweb start` and `dev` install
 * them): an unhandled rejection is logged with its service and the process goes on; an uncaught
 * exception is logged with its service, every request in flight is answered 500, and the process
 * exits with code 1 (for its supervisor to restart it); `process.exit()` from service code is
 * refused (`NANO_E_EXIT_REFUSED` thrown into the service, logged). Returns a function that
 * removes the guards.
 *
 * @example
 * const server = await createServer({ root: './app', port: 3000 })
 * const unguard = installProcessGuards({ servers: [server] })
 */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const { servers } = options
  const log = options.log ?? servers[0]?.runtime.log ?? (() => {})
  if (options.replaceOnStall === true) for (const server of servers) server.loopWatch?.replaceOnStall()
  return guardProcess({
    log,
    roots: servers.map((server) => server.runtime.root),
    beforeExit: async () => {
      await Promise.all(servers.map((server) => server.failInFlight()))
    },
  })
}
