import { type CallOutput, fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects } from '../_lib/fragments.ts'

type Match = CallOutput<'sport/live-match'>

const STATUS: Record<Match['status'], string> = {
  'first-half': 'First half',
  'half-time': 'Half-time',
  'second-half': 'Second half',
  'full-time': 'Full time',
}

export default fragment({
  description: 'The simulated live cup match: score, minute and scorers, pushed to open pages as it changes',
  input: z.object(DEMO_FLAGS),
  uses: ['sport/live-match'],
  css: 'live-match.css',
  live: { every: '2s', on: 'scores' },
  async render(flags, ctx) {
    await demoEffects('fragments/live-match', flags, ctx)
    const m = await ctx.call('sport/live-match', {})
    const playing = m.status === 'first-half' || m.status === 'second-half'
    const scorers = (side: 'home' | 'away') =>
      m.goals
        .filter((g) => g.side === side)
        .map(
          (g) =>
            html`<li class="live-match__goal${g.added ? ' live-match__goal--added' : ''}">${g.scorer} <span class="live-match__goal-minute">${g.minute}\u2032</span></li>`,
        )
    return html`<section class="live-match live-match--${m.status}" data-fragment="fragments/live-match" data-match="${m.match}" data-status="${m.status}" aria-label="${m.competition}">
  <p class="live-match__status">${playing ? html`<span class="live-match__live">Live</span> ` : null}${m.competition} · <span class="live-match__phase">${STATUS[m.status]}</span></p>
  <div class="live-match__board">
    <span class="live-match__team live-match__team--home">${m.home}</span>
    <span class="live-match__score" data-home-goals="${m.homeGoals}" data-away-goals="${m.awayGoals}">${m.homeGoals}<span aria-hidden="true"> – </span><span class="visually-hidden"> to </span>${m.awayGoals}</span>
    <span class="live-match__team live-match__team--away">${m.away}</span>
  </div>
  <p class="live-match__minute" data-minute="${m.minute}">${m.status === 'full-time' ? 'FT' : m.status === 'half-time' ? 'HT' : `${m.minute}\u2032`}</p>
  ${
    m.goals.length === 0
      ? null
      : html`<div class="live-match__scorers">
    <ul class="live-match__side live-match__side--home" aria-label="${m.home} scorers">${scorers('home')}</ul>
    <ul class="live-match__side live-match__side--away" aria-label="${m.away} scorers">${scorers('away')}</ul>
  </div>`
  }
</section>`
  },
})
