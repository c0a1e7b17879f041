import { z } from 'zod'
import { club } from './sport.ts'

/**
 * The simulated live match on the front page: a cup tie whose clock runs from the moment the
 * process started, `NEWS_MATCH_SECONDS_PER_MINUTE` seconds (default 2) per match minute. Nothing
 * ticks: every call works out where the match stands from the elapsed time, so the state changes
 * between calls on its own. When a match ends a new one kicks off (a new `cycle`).
 *
 * Goals come from a fixed script (the same minutes in every match) plus the ones added through
 * `sport/goal`, which are kept in this module (in-process, lost on restart).
 */

/** The phase of the simulated match. */
export const LiveStatus = z.enum(['first-half', 'half-time', 'second-half', 'full-time'])

/** A goal of the simulated match: `scripted` ones are part of every match, `added` ones came from `sport/goal`. */
export const LiveGoal = z.object({
  minute: z.number().int().min(1).max(90),
  side: z.enum(['home', 'away']),
  scorer: z.string(),
  added: z.boolean(),
})

/** Where the simulated match stands. */
export const LiveMatch = z.object({
  match: z.string(),
  competition: z.string(),
  cycle: z.number().int().min(0),
  home: z.string(),
  away: z.string(),
  homeGoals: z.number().int().min(0),
  awayGoals: z.number().int().min(0),
  status: LiveStatus,
  minute: z.number().int().min(1).max(90),
  goals: z.array(LiveGoal),
})

export type LiveMatchState = z.output<typeof LiveMatch>
type Side = 'home' | 'away'
type Goal = z.output<typeof LiveGoal>

const MATCH_ID = 'cup-final'
const COMPETITION = 'County Cup final'
const HOME = 'redmoor-united'
const AWAY = 'kingsport-city'

/** The scripted goals, the same in every match: minute, side and which of the side's players scores. */
const SCRIPT: readonly { minute: number; side: Side; player: number }[] = [
  { minute: 9, side: 'home', player: 0 },
  { minute: 31, side: 'away', player: 1 },
  { minute: 58, side: 'home', player: 2 },
  { minute: 74, side: 'away', player: 0 },
  { minute: 87, side: 'home', player: 3 },
]

/** Clock ticks (match minutes of wall time) of each phase: 45 played, 5 break, 45 played, 15 after the whistle. */
const FIRST_HALF = 45
const HALF_TIME = 5
const SECOND_HALF = 45
const AFTER = 15
const CYCLE = FIRST_HALF + HALF_TIME + SECOND_HALF + AFTER

/** When the clock started: the start of this process. */
const STARTED = Math.floor(performance.timeOrigin)

/** Goals added through `sport/goal`, each tagged with the match (`cycle`) it belongs to. */
let added: readonly (Goal & { cycle: number })[] = []

const SECONDS_PER_MINUTE = ((value) => (Number.isFinite(value) && value > 0 ? value : 2))(
  Number(process.env['NEWS_MATCH_SECONDS_PER_MINUTE'] ?? ''),
)

/** Seconds of wall time per match minute, from `NEWS_MATCH_SECONDS_PER_MINUTE` (default 2), read when the process starts. */
export function secondsPerMinute(): number {
  return SECONDS_PER_MINUTE
}

/** The match clock at `at` (ms since the epoch): which match, its phase and minute. */
export function liveClock(at: number): { cycle: number; status: z.output<typeof LiveStatus>; minute: number } {
  const ticks = Math.max(0, Math.floor((at - STARTED) / (secondsPerMinute() * 1000)))
  const cycle = Math.floor(ticks / CYCLE)
  const t = ticks % CYCLE
  if (t < FIRST_HALF) return { cycle, status: 'first-half', minute: t + 1 }
  if (t < FIRST_HALF + HALF_TIME) return { cycle, status: 'half-time', minute: 45 }
  if (t < FIRST_HALF + HALF_TIME + SECOND_HALF) return { cycle, status: 'second-half', minute: t - HALF_TIME + 1 }
  return { cycle, status: 'full-time', minute: 90 }
}

/** The simulated match at `at` (ms since the epoch, now by default). */
export function liveMatch(at: number = Date.now()): LiveMatchState {
  const { cycle, status, minute } = liveClock(at)
  const home = club(HOME)
  const away = club(AWAY)
  const players = { home: home.players, away: away.players }
  const scripted: Goal[] = SCRIPT.filter((g) => g.minute <= minute).map((g) => ({
    minute: g.minute,
    side: g.side,
    scorer: players[g.side][g.player % players[g.side].length] as string,
    added: false,
  }))
  const extra: Goal[] = added
    .filter((g) => g.cycle === cycle)
    .map(({ minute: m, side, scorer }) => ({ minute: m, side, scorer, added: true }))
  const goals = [...scripted, ...extra].sort((a, b) => a.minute - b.minute)
  return {
    match: MATCH_ID,
    competition: COMPETITION,
    cycle,
    home: home.name,
    away: away.name,
    homeGoals: goals.filter((g) => g.side === 'home').length,
    awayGoals: goals.filter((g) => g.side === 'away').length,
    status,
    minute,
    goals,
  }
}

/**
 * Adds a goal for `side` at the current minute of the match in play, and returns the match with
 * it; undefined when the ball is not in play (half-time or full time).
 */
export function addGoal(side: Side, at: number = Date.now()): { goal: Goal; match: LiveMatchState } | undefined {
  const before = liveMatch(at)
  if (before.status !== 'first-half' && before.status !== 'second-half') return undefined
  const squad = club(side === 'home' ? HOME : AWAY).players
  const scored = before.goals.filter((g) => g.side === side).length
  const goal: Goal = {
    minute: before.minute,
    side,
    scorer: squad[scored % squad.length] as string,
    added: true,
  }
  added = [...added.filter((g) => g.cycle === before.cycle), { ...goal, cycle: before.cycle }]
  return { goal, match: liveMatch(at) }
}
