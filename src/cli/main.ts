import { Command, InvalidArgumentError, Option } from 'commander'
import { workerCount } from '../cluster/workers/supervisor.ts'
import { addClusterOptions } from './cluster-flags.ts'
import { EXIT } from './output.ts'
import { ownVersion } from './own-package.ts'

const LOG_LEVELS = ['debug', 'info', 'warn', 'error']
const PRECEDENCE =
  'Settings: a flag wins over its environment variable (PORT, HOST, LOG_LEVEL, LOG_FORMAT), which wins over nanoweb.config.ts at the project root (if there is one), which wins over the defaults.'

/**
 * A command's action, imported when the command runs: `nanoweb start` does not load the modules
 * of `check`, `graph`, `init`, … (nor they those of the server), which shortens every start.
 *
 * @example
 * program.command('ls').action(lazy(async () => (await import('./commands/ls.ts')).lsCommand))
 */
export function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => unknown>): (...args: A) => Promise<void> {
  return async (...args) => {
    await (await load())(...args)
  }
}

/**
 * The `nanoweb` command line: one commander program, `--help` on every command. A command line
 * commander refuses (unknown option, bad value, missing argument) exits 2.
 *
 * @example
 * await buildProgram().parseAsync(['node', 'nanoweb', 'ls', 'examples/news'])
 */
export function buildProgram(): Command {
  const program = new Command('nanoweb')
    .description('Run nanoservices: one function per file, each its own endpoint, composed into pages.')
    .version(ownVersion())
    .showHelpAfterError('(add --help for usage)')
    .exitOverride((error) => process.exit(error.exitCode === EXIT.OK ? EXIT.OK : EXIT.USAGE))

  program
    .command('init')
    .description('Create a new app: package.json, tsconfig.json, a service with its test, a fragment and a page')
    .argument('[dir]', 'folder to create it in (made if missing; must be empty)', '.')
    .option('-f, --force', 'write into a folder that is not empty (files of the same name are replaced)')
    .action(lazy(async () => (await import('./commands/init.ts')).initCommand))

  for (const [name, description, action, level, format] of [
    [
      'start',
      'Serve the project: /api/<name> for every public service, pages, /_nano/* for tools',
      lazy(async () => (await import('./commands/serve.ts')).startCommand),
      'info',
      'json',
    ],
    [
      'dev',
      'Serve and watch: changed or new services and pages are live on the next request',
      lazy(async () => (await import('./commands/serve.ts')).devCommand),
      'debug',
      'pretty',
    ],
  ] as const) {
    const command = program
      .command(name)
      .summary(description)
      .description(`${description}.\n\n${PRECEDENCE}`)
      .argument('[root]', 'project folder (holds services/ and pages/)', '.')
      .addOption(new Option('-p, --port <port>', 'port to listen on (default: 3000)').argParser(port).env('PORT'))
      .addOption(
        new Option('-H, --host <host>', 'interface to listen on (default: 127.0.0.1)').argParser(host).env('HOST'),
      )
      .addOption(
        new Option('--log-level <level>', `least severe log level written (default: ${level})`)
          .choices(LOG_LEVELS)
          .env('LOG_LEVEL'),
      )
      .addOption(
        new Option('--log-format <format>', `how logs are written to stderr (default: ${format})`)
          .choices(['json', 'pretty'])
          .env('LOG_FORMAT'),
      )
      .action(action)
    addClusterOptions(command)
    if (name === 'start') {
      command.addOption(
        new Option('-w, --workers <n|auto>', 'serve from n processes sharing the port (auto: one per core)').argParser(
          workers,
        ),
      )
    }
  }

  program
    .command('build')
    .description(
      'Bundle the trusted services into .nanoweb/, which nanoweb start then loads them from (a faster cold start)',
    )
    .argument('[root]', 'project folder', '.')
    .action(lazy(async () => (await import('./commands/build.ts')).buildCommand))

  program
    .command('new')
    .description('Scaffold services/<name>.ts and its test')
    .argument('<name>', 'service name, e.g. weather/current')
    .option('-r, --root <root>', 'project folder', '.')
    .action(lazy(async () => (await import('./commands/new.ts')).newCommand))

  program
    .command('ls')
    .description('List services with endpoint, uses and visibility')
    .argument('[root]', 'project folder', '.')
    .option('--json', 'print the catalog as JSON')
    .option('-u, --url <url>', 'list the catalog of a running server (a whole cluster), e.g. http://localhost:3000')
    .action(lazy(async () => (await import('./commands/ls.ts')).lsCommand))

  program
    .command('call')
    .description('Call a service in-process (or on a running server with --url) and print its output')
    .argument('<name>', 'service name, e.g. weather/current')
    .argument('[json]', 'input as JSON', '{}')
    .option('-u, --url <url>', 'base URL of a running nanoweb server, e.g. http://localhost:3000')
    .option('-r, --root <root>', 'project folder (in-process calls)', '.')
    .action(lazy(async () => (await import('./commands/call.ts')).callCommand))

  program
    .command('check')
    .summary('Check a project for CI: uses, cycles, pages, and breaking contract changes (--against)')
    .description(
      'Check a project for CI: unknown or cyclic `uses`, unused internal services, pages naming missing fragments or passing attributes their input rejects, fragments without fallback, files that do not load; with --against, breaking changes since a saved catalog.\n\nExit 0 when nothing fails, 1 with the list (errors fail; warnings only with --strict; info never), 2 for a bad command line or --against file. Rules: docs/check.md.',
    )
    .argument('[root]', 'project folder', '.')
    .option('--json', 'print { ok, findings } as JSON')
    .option(
      '--against <catalog.json>',
      'a catalog saved from GET /_nano/catalog or `nanoweb ls --json`: report contract changes since',
    )
    .option('--strict', 'fail on warnings too')
    .action(lazy(async () => (await import('./commands/check.ts')).checkCommand))

  program
    .command('graph')
    .description('Print the call graph: services, pages and who calls whom (declared, and observed with --url)')
    .argument('[root]', 'project folder', '.')
    .option('-f, --format <format>', 'mermaid, dot or json', 'mermaid')
    .option(
      '-u, --url <url>',
      'read the graph of a running server, with the calls it has seen, e.g. http://localhost:3000',
    )
    .action(lazy(async () => (await import('./commands/graph.ts')).graphCommand))

  program
    .command('types')
    .description('Write nanoweb-env.d.ts so ctx.call is typed by your services')
    .argument('[root]', 'project folder', '.')
    .action(lazy(async () => (await import('./commands/types.ts')).typesCommand))

  return program
}

function port(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('use a whole number from 0 to 65535')
  return n
}

function workers(value: string): number {
  try {
    return workerCount(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

function host(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('use a host name or address, e.g. 127.0.0.1 or 0.0.0.0')
  return value
}
