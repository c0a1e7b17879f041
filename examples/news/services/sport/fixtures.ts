import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { club, findClub, league } from '../_lib/sport.ts'

const Status = z.enum(['played', 'live', 'scheduled'])
const Side = z.object({ id: z.string(), name: z.string() })

export default service({
  description: 'League fixtures and results, filtered by club, round or status',
  idempotent: true,
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  input: z.object({
    club: z.string().min(1).max(60).optional(),
    round: z.number().int().min(1).max(38).optional(),
    status: Status.optional(),
  }),
  output: z.object({
    league: z.string(),
    season: z.string(),
    fixtures: z.array(
      z.object({
        id: z.string(),
        round: z.number().int(),
        kickoff: z.string(),
        status: Status,
        home: Side,
        away: Side,
        homeGoals: z.number().int().nullable(),
        awayGoals: z.number().int().nullable(),
      }),
    ),
  }),
  run(input) {
    if (input.club !== undefined && findClub(input.club) === undefined)
      throw new NanoError('NANO_E_NOT_FOUND', `No club with id '${input.club}'`)
    const data = league
    const fixtures = data.fixtures
      .filter((f) => input.club === undefined || f.home === input.club || f.away === input.club)
      .filter((f) => input.round === undefined || f.round === input.round)
      .filter((f) => input.status === undefined || f.status === input.status)
      .map((f) => ({
        id: f.id,
        round: f.round,
        kickoff: f.kickoff,
        status: f.status,
        home: { id: f.home, name: club(f.home).name },
        away: { id: f.away, name: club(f.away).name },
        homeGoals: f.homeGoals ?? null,
        awayGoals: f.awayGoals ?? null,
      }))
    return { league: data.league, season: data.season, fixtures }
  },
})
