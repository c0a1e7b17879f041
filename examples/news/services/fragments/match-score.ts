import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects } from '../_lib/fragments.ts'

const STATUS = {
  scheduled: 'Not started',
  'first-half': 'First half',
  'half-time': 'Half-time',
  'second-half': 'Second half',
  'full-time': 'Full time',
} as const

export default fragment({
  description: 'One match in detail: score, status, minute and the scorers',
  input: z.object({ match: z.string().min(1).max(60), ...DEMO_FLAGS }),
  uses: ['sport/score'],
  css: 'match-score.css',
  cache: { ttl: '15s' },
  async render({ match, ...flags }, ctx) {
    await demoEffects('fragments/match-score', flags, ctx)
    const s = await ctx.call('sport/score', { match })
    const running = s.status === 'first-half' || s.status === 'second-half'
    const scorers = (side: 'home' | 'away') =>
      s.goals
        .filter((g) => g.side === side)
        .map((g) => html`<li>${g.scorer} <span class="match-score__minute">${g.minute}\u2032</span></li>`)
    return html`<section class="match-score match-score--${s.status}" data-fragment="fragments/match-score" data-match="${s.match}">
  <p class="match-score__status">${running ? html`<span class="match-score__live">Live</span> ${s.minute}\u2032 · ` : null}${STATUS[s.status]} · round ${s.round}</p>
  <div class="match-score__board">
    <span class="match-score__team">${s.home}</span>
    <span class="match-score__goals">${s.status === 'scheduled' ? 'v' : `${s.homeGoals} – ${s.awayGoals}`}</span>
    <span class="match-score__team">${s.away}</span>
  </div>
  ${
    s.goals.length === 0
      ? null
      : html`<div class="match-score__scorers">
    <ul class="match-score__side match-score__side--home">${scorers('home')}</ul>
    <ul class="match-score__side match-score__side--away">${scorers('away')}</ul>
  </div>`
  }
</section>`
  },
})
