import { service } from '@nanoweb/core'
import { z } from 'zod'

const Row = z.object({
  position: z.number().int(),
  club: z.object({ id: z.string(), name: z.string() }),
  played: z.number().int(),
  won: z.number().int(),
  drawn: z.number().int(),
  lost: z.number().int(),
  goalsFor: z.number().int(),
  goalsAgainst: z.number().int(),
  goalDifference: z.number().int(),
  points: z.number().int(),
  form: z.string(),
})
type Row = z.output<typeof Row>

export default service({
  description: 'League table from the played fixtures: points, goal difference, goals scored, and form',
  idempotent: true,
  uses: ['sport/fixtures'],
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  input: z.object({}),
  output: z.object({ league: z.string(), season: z.string(), rows: z.array(Row) }),
  async run(_input, ctx) {
    const played = await ctx.call('sport/fixtures', { status: 'played' })
    const rows = new Map<string, Row>()
    const record = (side: { id: string; name: string }, scored: number, conceded: number) => {
      const row = rows.get(side.id) ?? blankRow(side)
      rows.set(side.id, row)
      const result = scored > conceded ? 'W' : scored === conceded ? 'D' : 'L'
      row.played++
      row.won += result === 'W' ? 1 : 0
      row.drawn += result === 'D' ? 1 : 0
      row.lost += result === 'L' ? 1 : 0
      row.goalsFor += scored
      row.goalsAgainst += conceded
      row.goalDifference = row.goalsFor - row.goalsAgainst
      row.points = row.won * 3 + row.drawn
      row.form = (row.form + result).slice(-5)
    }
    for (const f of played.fixtures.toSorted((a, b) => a.kickoff.localeCompare(b.kickoff))) {
      record(f.home, f.homeGoals ?? 0, f.awayGoals ?? 0)
      record(f.away, f.awayGoals ?? 0, f.homeGoals ?? 0)
    }
    const sorted = [...rows.values()].sort(
      (a, b) =>
        b.points - a.points ||
        b.goalDifference - a.goalDifference ||
        b.goalsFor - a.goalsFor ||
        a.club.name.localeCompare(b.club.name),
    )
    return { league: played.league, season: played.season, rows: sorted.map((r, i) => ({ ...r, position: i + 1 })) }
  },
})

function blankRow(club: Row['club']): Row {
  const zero = { played: 0, won: 0, drawn: 0, lost: 0, goalsFor: 0, goalsAgainst: 0, goalDifference: 0, points: 0 }
  return { position: 0, club, ...zero, form: '' }
}
