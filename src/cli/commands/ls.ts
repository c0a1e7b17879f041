import { createRuntime } from '../../runtime/runtime.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb ls [root]`: a table of services (name, endpoint, uses, visibility, description), or
 * the catalog as JSON with `--json` (`{ services, broken }`, as `/_nano/catalog`). A service file
 * that does not load is listed with its error (on stderr) and the others still are; the exit code
 * is then 1.
 *
 * @example
 * await lsCommand('examples/news', {})
 */
export async function lsCommand(root: string, options: { json?: boolean }): Promise<void> {
  try {
    const rt = createRuntime({ root, logger: false })
    const [catalog, broken] = await Promise.all([rt.catalog(), rt.broken()])
    if (broken.length > 0) process.exitCode = EXIT.FAILED
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ services: catalog, broken }, null, 2)}\n`)
      return
    }
    const rows = catalog.map((s) => [
      s.name,
      s.endpoint === null ? '-' : `${s.idempotent ? 'GET|POST' : 'POST'} ${s.endpoint}`,
      s.uses.length === 0 ? '-' : s.uses.join(','),
      s.visibility,
      s.description ?? '',
    ])
    process.stdout.write(`${table([['NAME', 'ENDPOINT', 'USES', 'VISIBILITY', 'DESCRIPTION'], ...rows])}\n`)
    process.stdout.write(`${catalog.length} services${broken.length > 0 ? `, ${broken.length} not loading` : ''}\n`)
    for (const b of broken) process.stderr.write(`✗ ${b.name}: ${b.error.code}: ${b.error.message}\n`)
  } catch (error) {
    fail(error)
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? []
  return rows
    .map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  '))
    .join('\n')
}
