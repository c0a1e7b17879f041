/**
 * The known name nearest to `name` (case aside, at most two edits away), if any: for "did you
 * mean" hints (a CLI flag, a config key, a format).
 *
 * @example
 * closest('prot', ['port', 'host']) // 'port'
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/**
 * The known names nearest to `name`: those at most a third of its length (and at least two) edits
 * away, nearest first, or, failing that, those under the same first folder; at most `limit`.
 *
 * @example
 * nearNames('geo/lokup', ['geo/lookup', 'news/top']) // ['geo/lookup']
 */
export function nearNames(name: string, known: readonly string[], limit = 3): string[] {
  const most = Math.max(2, Math.floor(name.length / 3))
  const near = known
    .map((candidate) => ({ candidate, d: distance(name, candidate) }))
    .filter(({ d }) => d <= most)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .map(({ candidate }) => candidate)
  if (near.length > 0) return near.slice(0, limit)
  const folder = name.includes('/') ? `${name.slice(0, name.indexOf('/'))}/` : undefined
  if (folder === undefined) return []
  return known
    .filter((candidate) => candidate.startsWith(folder))
    .sort()
    .slice(0, limit)
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours). */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[]
      const above = rows[i - 1] as number[]
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
      row[j] = best
    }
  }
  return (rows[a.length] as number[])[b.length] as number
}
