import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import {
  club,
  type FixtureRecord,
  type Goal,
  league,
  type MatchStatus,
  matchClock,
  simulatedGoals,
} from '../_lib/sport.ts'

export default service({
  description: 'Score of a match; live matches are simulated minute by minute (a new match every two hours)',
  idempotent: true,
  cache: { ttl: '15s' },
  input: z.object({
    match: z.string().min(1).max(60),
    at: z.number().int().min(0).optional(),
  }),
  output: z.object({
    match: z.string(),
    round: z.number().int(),
    home: z.string(),
    away: z.string(),
    homeGoals: z.number().int(),
    awayGoals: z.number().int(),
    status: z.enum(['scheduled', 'first-half', 'half-time', 'second-half', 'full-time']),
    minute: z.number().int().min(0).max(90),
    goals: z.array(z.object({ minute: z.number().int(), side: z.enum(['home', 'away']), scorer: z.string() })),
  }),
  run({ match, at }) {
    const f = league.fixtures.find((x) => x.id === match)
    if (f === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No match with id '${match}'`)
    const { status, minute, goals } = progress(f, at ?? Date.now())
    return {
      match: f.id,
      round: f.round,
      home: club(f.home).name,
      away: club(f.away).name,
      homeGoals: goals.filter((g) => g.side === 'home').length,
      awayGoals: goals.filter((g) => g.side === 'away').length,
      status,
      minute,
      goals,
    }
  },
})

/** Where a match stands at `at`: played ones are final, live ones follow the simulated clock. */
function progress(f: FixtureRecord, at: number): { status: MatchStatus; minute: number; goals: Goal[] } {
  if (f.status === 'scheduled') return { status: 'scheduled', minute: 0, goals: [] }
  if (f.status === 'played') return { status: 'full-time', minute: 90, goals: [...(f.goals ?? [])] }
  const clock = matchClock(at)
  const goals = simulatedGoals(f, `${f.id}:${clock.cycle}`).filter((g) => g.minute <= clock.minute)
  return { status: clock.status, minute: clock.minute, goals }
}
