import { type CallOutput, fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, shortDateTime } from '../_lib/fragments.ts'

type Fixture = CallOutput<'sport/fixtures'>['fixtures'][number]

export default fragment({
  description: 'Fixtures of one round: the next round to play (`show=upcoming`), the latest results, or `round`',
  input: z.object({
    show: z.enum(['upcoming', 'results']).optional(),
    round: z.number().int().min(1).max(38).optional(),
    club: z.string().min(1).max(60).optional(),
    ...DEMO_FLAGS,
  }),
  uses: ['sport/fixtures'],
  css: 'fixtures.css',
  cache: { ttl: '1m', staleWhileRevalidate: '10m' },
  async render({ show = 'upcoming', round, club, ...flags }, ctx) {
    await demoEffects('fragments/fixtures', flags, ctx)
    const status = show === 'upcoming' ? 'scheduled' : 'played'
    const all = await ctx.call('sport/fixtures', round === undefined ? { status, club } : { round, club })
    const rounds = [...new Set(all.fixtures.map((f) => f.round))]
    const chosen = round ?? (show === 'upcoming' ? Math.min(...rounds) : Math.max(...rounds))
    const list = club === undefined ? all.fixtures.filter((f) => f.round === chosen) : all.fixtures
    const heading = show === 'upcoming' ? 'Fixtures' : 'Results'
    return html`<section class="fixtures fixtures--${show}" data-fragment="fragments/fixtures">
  <h2 class="fixtures__heading">${heading}${club === undefined && list.length > 0 ? html` <span class="fixtures__round">round ${chosen}</span>` : null}</h2>
  ${
    list.length === 0
      ? html`<p class="fixtures__none">No ${show === 'upcoming' ? 'fixtures' : 'results'} to show.</p>`
      : html`<ul class="fixtures__items">${list.map(row)}</ul>`
  }
</section>`
  },
})

function row(f: Fixture) {
  const score = f.homeGoals === null || f.awayGoals === null ? 'v' : `${f.homeGoals} – ${f.awayGoals}`
  return html`<li class="fixtures__item fixtures__item--${f.status}" data-match="${f.id}">
    <time class="fixtures__kickoff" datetime="${f.kickoff}">${shortDateTime(f.kickoff)}</time>
    <span class="fixtures__home">${f.home.name}</span>
    <span class="fixtures__score">${f.status === 'live' ? 'live' : score}</span>
    <span class="fixtures__away">${f.away.name}</span>
  </li>`
}
