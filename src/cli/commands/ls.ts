import type { CatalogEntry } from '../../registry/catalog.ts'
import type { BrokenService } from '../../runtime/ports.ts'
import { createRuntime } from '../../runtime/runtime.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb ls [root]`: a table of services (name, endpoint, uses, visibility, description), or
 * the catalog as JSON with `--json` (`{ services, broken }`, as `/_nano/catalog`). A service file
 * that does not load is listed with its error (on stderr) and the others still are; the exit code
 * is then 1. With `--url`, the catalog of a running server: in a cluster, every service of every
 * node, with where it runs (`local` on that server, and how many nodes run it).
 *
 * @example
 * await lsCommand('examples/news', {})
 * await lsCommand('.', { url: 'http://localhost:3000' })
 */
export async function lsCommand(root: string, options: { json?: boolean; url?: string }): Promise<void> {
  try {
    const { services: catalog, broken } = options.url === undefined ? await local(root) : await remote(options.url)
    if (broken.length > 0) process.exitCode = EXIT.FAILED
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ services: catalog, broken }, null, 2)}\n`)
      return
    }
    const clustered = catalog.some((s) => (s.nodes?.length ?? 0) > 0)
    const rows = catalog.map((s) => [
      s.name,
      s.endpoint === null ? '-' : `${s.idempotent ? 'GET|POST' : 'POST'} ${s.endpoint}`,
      s.uses.length === 0 ? '-' : s.uses.join(','),
      s.visibility,
      ...(clustered ? [where(s)] : []),
      s.description ?? '',
    ])
    const head = ['NAME', 'ENDPOINT', 'USES', 'VISIBILITY', ...(clustered ? ['RUNS ON'] : []), 'DESCRIPTION']
    process.stdout.write(`${table([head, ...rows])}\n`)
    process.stdout.write(`${catalog.length} services${broken.length > 0 ? `, ${broken.length} not loading` : ''}\n`)
    for (const b of broken) process.stderr.write(`✗ ${b.name}: ${b.error.code}: ${b.error.message}\n`)
  } catch (error) {
    fail(error)
  }
}

interface Listing {
  readonly services: CatalogEntry[]
  readonly broken: BrokenService[]
}

async function local(root: string): Promise<Listing> {
  const rt = createRuntime({ root, logger: false })
  const [services, broken] = await Promise.all([rt.catalog(), rt.broken()])
  return { services, broken }
}

async function remote(url: string): Promise<Listing> {
  const target = `${url.replace(/\/+$/, '')}/_nano/catalog`
  const response = await fetch(target).catch((cause: unknown) => {
    throw new Error(`Cannot reach ${target}: ${(cause as Error).message}. Is the server running?`)
  })
  if (!response.ok) throw new Error(`${target} answered ${response.status}`)
  const body = (await response.json()) as Partial<Listing>
  return { services: body.services ?? [], broken: body.broken ?? [] }
}

function where(entry: CatalogEntry): string {
  const count = entry.nodes?.length ?? 0
  const nodes = `${count} node${count === 1 ? '' : 's'}`
  return entry.local === true ? `local, ${nodes}` : nodes
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? []
  return rows
    .map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  '))
    .join('\n')
}
