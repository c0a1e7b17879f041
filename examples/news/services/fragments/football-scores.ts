import { type CallOutput, type Context, fragment, type Html, html } from '@nanoweb/core'
import { z } from 'zod'
import { clock, DEMO_FLAGS, demoEffects } from '../_lib/fragments.ts'

type MatchScore = CallOutput<'sport/score'>

export default fragment({
  description: 'Scores of the live round (or of `round`): every match, its status and minute',
  input: z.object({ round: z.number().int().min(1).max(38).optional(), ...DEMO_FLAGS }),
  uses: ['sport/fixtures', 'sport/score'],
  css: 'football-scores.css',
  cache: { ttl: '15s' },
  // The round's matches follow the real clock: re-render open pages as often as the cache allows.
  live: { every: '15s' },
  async render({ round, ...flags }, ctx) {
    await demoEffects('fragments/football-scores', flags, ctx)
    const shown = round ?? (await liveRound(ctx))
    const { league, fixtures } = await ctx.call('sport/fixtures', { round: shown })
    const scores = await Promise.all(fixtures.map((f) => ctx.call('sport/score', { match: f.id })))
    const live = scores.some((s) => isLive(s))
    return html`<section class="football-scores" data-fragment="fragments/football-scores" data-round="${shown}">
  <h2 class="football-scores__heading">${live ? html`<span class="football-scores__live">Live</span> ` : null}Scores</h2>
  <p class="football-scores__round">${league} · round ${shown}</p>
  <ul class="football-scores__matches">
    ${scores.map((s, i) => matchRow(s, fixtures[i]?.kickoff))}
  </ul>
</section>`
  },
})

/** The live round; without one, the latest round played. */
async function liveRound(ctx: Context<'sport/fixtures' | 'sport/score'>): Promise<number> {
  const live = await ctx.call('sport/fixtures', { status: 'live' })
  const first = live.fixtures[0]
  if (first !== undefined) return first.round
  const played = await ctx.call('sport/fixtures', { status: 'played' })
  return Math.max(1, ...played.fixtures.map((f) => f.round))
}

function isLive(s: MatchScore): boolean {
  return s.status === 'first-half' || s.status === 'half-time' || s.status === 'second-half'
}

function statusText(s: MatchScore, kickoff: string | undefined): string {
  switch (s.status) {
    case 'scheduled':
      return kickoff === undefined ? 'KO' : clock(kickoff)
    case 'half-time':
      return 'HT'
    case 'full-time':
      return 'FT'
    default:
      return `${s.minute}\u2032`
  }
}

function matchRow(s: MatchScore, kickoff: string | undefined): Html {
  const started = s.status !== 'scheduled'
  return html`<li class="football-scores__match football-scores__match--${s.status}" data-match="${s.match}">
      <span class="football-scores__team football-scores__team--home">${s.home}</span>
      <span class="football-scores__score">${started ? html`${s.homeGoals}<span aria-hidden="true"> – </span><span class="visually-hidden"> to </span>${s.awayGoals}` : 'v'}</span>
      <span class="football-scores__team football-scores__team--away">${s.away}</span>
      <span class="football-scores__status">${statusText(s, kickoff)}</span>
    </li>`
}
