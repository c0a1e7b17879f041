import { z } from 'zod'
import { readData } from './data.ts'
import { pick, poisson, seeded } from './random.ts'

const Club = z.object({
  id: z.string(),
  name: z.string(),
  short: z.string(),
  ground: z.string(),
  founded: z.number().int(),
  players: z.array(z.string()).min(1),
})
const Goal = z.object({ minute: z.number().int(), side: z.enum(['home', 'away']), scorer: z.string() })
const Fixture = z
  .object({
    id: z.string(),
    round: z.number().int(),
    kickoff: z.string(),
    home: z.string(),
    away: z.string(),
    status: z.enum(['played', 'live', 'scheduled']),
    homeGoals: z.number().int().optional(),
    awayGoals: z.number().int().optional(),
    goals: z.array(Goal).optional(),
  })
  .refine((f) => f.status !== 'played' || f.goals?.length === (f.homeGoals ?? -1) + (f.awayGoals ?? -1), {
    message: 'a played fixture needs homeGoals, awayGoals and a goal list that adds up',
  })

/** A club as stored in data/clubs.json. */
export type ClubRecord = z.output<typeof Club>
/** A fixture as stored in data/fixtures.json: `played` ones have goals, `live` ones are simulated. */
export type FixtureRecord = z.output<typeof Fixture>

const { clubs } = readData('clubs', z.object({ clubs: z.array(Club) }))

/** League name, season and every fixture, from data/fixtures.json. */
export const league = readData(
  'fixtures',
  z.object({ league: z.string(), season: z.string(), fixtures: z.array(Fixture) }),
)

/** The club with this id; throws for an id the data does not have (a data error). */
export function club(id: string): ClubRecord {
  const found = clubs.find((c) => c.id === id)
  if (found === undefined) throw new Error(`data/fixtures.json names unknown club '${id}'`)
  return found
}

/** The club with this id, undefined when there is none. */
export function findClub(id: string): ClubRecord | undefined {
  return clubs.find((c) => c.id === id)
}

/** A goal: when, for which side, and who scored. */
export type Goal = z.output<typeof Goal>

/** Average goals per match: home sides score more. */
const MEAN_GOALS = { home: 1.5, away: 1.1 }

/** Simulated goals of a live fixture over 90 minutes: a fresh, seeded match for each `seed`. */
export function simulatedGoals(f: FixtureRecord, seed: string): Goal[] {
  const r = seeded(seed)
  const goals: Goal[] = []
  for (const side of ['home', 'away'] as const) {
    const players = club(f[side]).players
    for (let n = poisson(MEAN_GOALS[side], r); n > 0; n--)
      goals.push({ minute: 1 + Math.floor(r() * 90), side, scorer: pick(players, r) })
  }
  return goals.sort((a, b) => a.minute - b.minute)
}

/** Phase of a match. */
export type MatchStatus = 'scheduled' | 'first-half' | 'half-time' | 'second-half' | 'full-time'

/**
 * The live clock: every two hours a fresh match kicks off. Minutes 0–44 are the first half,
 * 45–59 half-time, 60–104 the second half (match minutes 46–90), 105–119 full time.
 */
export function matchClock(at: number): { cycle: number; minute: number; status: MatchStatus } {
  const elapsed = Math.floor(at / 60_000)
  const cycle = Math.floor(elapsed / 120)
  const t = elapsed % 120
  if (t < 45) return { cycle, minute: t + 1, status: 'first-half' }
  if (t < 60) return { cycle, minute: 45, status: 'half-time' }
  if (t < 105) return { cycle, minute: t - 14, status: 'second-half' }
  return { cycle, minute: 90, status: 'full-time' }
}
