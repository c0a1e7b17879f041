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
    .map((candidate) => ({ candidate, d: editDistance(name, candidate) }))
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

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost)
    }
    previous = row
  }
  return previous[b.length] as number
}
