/**
 * What `bench:peers` prints about where it ran: the machine (CPU model, cores, RAM, load) and the
 * version of every peer, read from the installed packages and binaries.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { natsServerVersion } from '../../cluster/nats-server.ts'
import { REPO } from '../../lib/project.ts'

const run = promisify(execFile)

/**
 * The installed version of an npm package: bench/node_modules first (the peers), then the root's.
 *
 * @example
 * await packageVersion('moleculer') // '0.15.2'
 */
export async function packageVersion(name: string): Promise<string> {
  for (const base of [join(REPO, 'bench'), REPO]) {
    try {
      const text = await readFile(join(base, 'node_modules', name, 'package.json'), 'utf8')
      return (JSON.parse(text) as { version: string }).version
    } catch {}
  }
  return 'not installed'
}

/**
 * One line about the machine: CPU model and cores, RAM, load average, Node version.
 *
 * @example
 * machineLine() // '2 × AMD EPYC …, 23.5 GiB RAM, load 1.20; linux x64; node v24.21.0'
 */
export function machineLine(): string {
  const cpu = cpus()
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')
  return `${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load average ${load}; ${process.platform} ${process.arch}; node ${process.version}`
}

/**
 * Every peer's version, as `name version` pairs.
 *
 * @example
 * const versions = await peerVersions() // { nanoweb: '0.1.0 (abc1234)', moleculer: '0.15.2', … }
 */
export async function peerVersions(): Promise<Record<string, string>> {
  const commit = await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).then(
    (r) => r.stdout.trim(),
    () => '?',
  )
  const workerd = await run(join(REPO, 'bench/node_modules/.bin/workerd'), ['--version']).then(
    (r) => r.stdout.trim(),
    () => 'not runnable',
  )
  const wrk = await run('/usr/bin/wrk', ['--version']).then(
    (r) => /^wrk (\S+)/m.exec(r.stdout + r.stderr)?.[1] ?? '?',
    (e: { stdout?: string }) => /^wrk (\S+)/m.exec(e.stdout ?? '')?.[1] ?? 'not installed',
  )
  return {
    nanoweb: `${(JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version} (${commit})`,
    moleculer: await packageVersion('moleculer'),
    'moleculer-web': await packageVersion('moleculer-web'),
    'nats (Moleculer transporter)': await packageVersion('nats'),
    fastify: await packageVersion('fastify'),
    '@nats-io/transport-node': await packageVersion('@nats-io/transport-node'),
    workerd: `${await packageVersion('workerd')} (${workerd})`,
    'nats-server': (await natsServerVersion().catch(() => 'not installed')).replace(/^nats-server:\s*/, ''),
    wrk,
  }
}
