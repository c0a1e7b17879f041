import { readFileSync } from 'node:fs'
import { Command, InvalidArgumentError } from 'commander'
import { callCommand } from './commands/call.ts'
import { lsCommand } from './commands/ls.ts'
import { newCommand } from './commands/new.ts'
import { devCommand, startCommand } from './commands/serve.ts'
import { typesCommand } from './commands/types.ts'

/**
 * The `nanoweb` command line: one commander program, `--help` on every command.
 *
 * @example
 * await buildProgram().parseAsync(['node', 'nanoweb', 'ls', 'examples/news'])
 */
export function buildProgram(): Command {
  const program = new Command('nanoweb')
    .description('Run nanoservices: one function per file, each its own endpoint, composed into pages.')
    .version(ownVersion())
    .showHelpAfterError('(add --help for usage)')

  for (const [name, description, action] of [
    ['start', 'Serve the project: /api/<name> for every public service, pages, /_nano/* for tools', startCommand],
    ['dev', 'Serve and watch: changed or new services and pages are live on the next request', devCommand],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('[root]', 'project folder (holds services/ and pages/)', '.')
      .option('-p, --port <port>', 'port to listen on', port, Number(process.env.PORT ?? 3000))
      .option('-H, --host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
      .action(action)
  }

  program
    .command('new')
    .description('Scaffold services/<name>.ts and its test')
    .argument('<name>', 'service name, e.g. weather/current')
    .option('-r, --root <root>', 'project folder', '.')
    .action(newCommand)

  program
    .command('ls')
    .description('List services with endpoint, uses and visibility')
    .argument('[root]', 'project folder', '.')
    .option('--json', 'print the catalog as JSON')
    .action(lsCommand)

  program
    .command('call')
    .description('Call a service in-process (or on a running server with --url) and print its output')
    .argument('<name>', 'service name, e.g. weather/current')
    .argument('[json]', 'input as JSON', '{}')
    .option('-u, --url <url>', 'base URL of a running nanoweb server, e.g. http://localhost:3000')
    .option('-r, --root <root>', 'project folder (in-process calls)', '.')
    .action(callCommand)

  program
    .command('types')
    .description('Write nanoweb-env.d.ts so ctx.call is typed by your services')
    .argument('[root]', 'project folder', '.')
    .action(typesCommand)

  return program
}

/**
 * nanoweb's own version, from its package.json (found from this file, not from the working
 * directory or `npm_package_version`, which name the app being served).
 *
 * @example
 * ownVersion() // '0.1.0'
 */
export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

function port(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('use a whole number from 0 to 65535')
  return n
}
