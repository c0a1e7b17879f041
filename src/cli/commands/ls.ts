import { createRuntime } from '../../runtime/runtime.ts'
import { fail } from '../output.ts'

/**
 * `nanoweb ls [root]`: a table of services (name, endpoint, uses, visibility, description), or
 * the catalog as JSON with `--json`.
 *
 * @example
 * await lsCommand('examples/news', {})
 */
export async function lsCommand(root: string, options: { json?: boolean }): Promise<void> {
  try {
    const catalog = await createRuntime({ root, logger: false }).catalog()
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify(catalog, null, 2)}\n`)
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
    process.stdout.write(`${catalog.length} services\n`)
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
