/**
 * The results table of `bench:peers` as Markdown: one row per workload, one column per peer, each
 * cell the figure and its ratio to the best peer of the row (1.00× = best; 2.00× = twice the
 * time, or half the throughput), "n/a" cells with a footnote saying why.
 */

/**
 * A cell: a figure, or why the peer has none.
 *
 * @example
 * const cell: Cell = { na: 'no such concept' }
 */
export type Cell = { value: number } | { na: string }

/**
 * One workload row.
 *
 * @example
 * const row: TableRow = { label: 'page', unit: 'ms', better: 'lower', cells: { nanoweb: { value: 8.7 } } }
 */
export interface TableRow {
  readonly label: string
  readonly unit: string
  /** `lower`: times and sizes; `higher`: throughput. */
  readonly better: 'lower' | 'higher'
  readonly cells: Record<string, Cell | undefined>
  /** The floor measured in the same run (not a peer: not ranked), e.g. a plain async call. */
  readonly floor?: string
}

/**
 * Renders the rows as a Markdown table over `peers`, with footnotes for the n/a cells.
 *
 * @example
 * console.log(markdownTable(rows, ['nanoweb', 'moleculer']))
 */
export function markdownTable(rows: readonly TableRow[], peers: readonly string[]): string {
  const notes: string[] = []
  const lines = [
    `| workload | ${peers.join(' | ')} | floor (same run) |`,
    `|---|${peers.map(() => '---').join('|')}|---|`,
  ]
  for (const r of rows) {
    const values = peers.flatMap((p) => {
      const c = r.cells[p]
      return c !== undefined && 'value' in c && Number.isFinite(c.value) ? [c.value] : []
    })
    const best = r.better === 'lower' ? Math.min(...values) : Math.max(...values)
    const cells = peers.map((p) => {
      const c = r.cells[p]
      if (c === undefined) return '—'
      if ('na' in c) {
        let n = notes.indexOf(c.na)
        if (n < 0) n = notes.push(c.na) - 1
        return `n/a [${n + 1}]`
      }
      const ratio = r.better === 'lower' ? c.value / best : best / c.value
      const text = `${format(c.value)} ${r.unit} (${ratio.toFixed(2)}×)`
      return ratio === 1 ? `**${text}**` : text
    })
    lines.push(`| ${r.label} | ${cells.join(' | ')} | ${r.floor ?? ''} |`)
  }
  return [...lines, '', ...notes.map((n, i) => `[${i + 1}] ${n}`)].join('\n')
}

/**
 * A figure with about three significant digits and thousands separators.
 *
 * @example
 * format(1234.5) // '1,235'
 * format(0.1234) // '0.123'
 */
export function format(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
