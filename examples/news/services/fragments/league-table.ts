import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, signed } from '../_lib/fragments.ts'

const FORM = { W: 'win', D: 'draw', L: 'loss' } as const

export default fragment({
  description: 'The league table with form; `limit` rows, `compact` hides the win/draw/loss columns',
  input: z.object({
    limit: z.number().int().min(1).max(20).optional(),
    compact: z.boolean().optional(),
    ...DEMO_FLAGS,
  }),
  uses: ['sport/table'],
  css: 'league-table.css',
  cache: { ttl: '1m', staleWhileRevalidate: '10m' },
  async render({ limit, compact = false, ...flags }, ctx) {
    await demoEffects('fragments/league-table', flags, ctx)
    const table = await ctx.call('sport/table', {})
    const rows = limit === undefined ? table.rows : table.rows.slice(0, limit)
    const full = !compact
    return html`<section class="league-table${compact ? ' league-table--compact' : ''}" data-fragment="fragments/league-table">
  <h2 class="league-table__heading"><a href="/sport">${table.league}</a> <span class="league-table__season">${table.season}</span></h2>
  <table class="league-table__table">
    <thead>
      <tr>
        <th scope="col" class="num">#</th><th scope="col">Team</th><th scope="col" class="num" title="Played">P</th>
        ${full ? html`<th scope="col" class="num" title="Won">W</th><th scope="col" class="num" title="Drawn">D</th><th scope="col" class="num" title="Lost">L</th>` : null}
        <th scope="col" class="num" title="Goal difference">GD</th><th scope="col" class="num" title="Points">Pts</th>
        ${full ? html`<th scope="col" class="league-table__form-head">Form</th>` : null}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) => html`<tr data-club="${r.club.id}">
        <td class="num">${r.position}</td><th scope="row">${r.club.name}</th><td class="num">${r.played}</td>
        ${full ? html`<td class="num">${r.won}</td><td class="num">${r.drawn}</td><td class="num">${r.lost}</td>` : null}
        <td class="num">${signed(r.goalDifference, 0)}</td><td class="num league-table__points">${r.points}</td>
        ${
          full
            ? html`<td><span class="league-table__form">${[...r.form].map((c) => {
                const result = FORM[c as keyof typeof FORM] ?? 'draw'
                return html`<span class="form form--${result}" title="${result}">${c}</span>`
              })}</span></td>`
            : null
        }
      </tr>`,
      )}
    </tbody>
  </table>
</section>`
  },
})
