import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { clock, DEMO_FLAGS, demoEffects, formatNumber, signed, trend } from '../_lib/fragments.ts'
import { Region } from '../_lib/markets.ts'

export default fragment({
  description: 'Market indices: level and change on the previous close, open or closed; one `region` or all',
  input: z.object({ region: Region.optional(), ...DEMO_FLAGS }),
  uses: ['markets/indices'],
  css: 'markets.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ region, ...flags }, ctx) {
    await demoEffects('fragments/markets', flags, ctx)
    const board = await ctx.call('markets/indices', region === undefined ? {} : { region })
    return html`<section class="markets" data-fragment="fragments/markets">
  <h2 class="markets__heading">Markets <span class="markets__as-of">at <time datetime="${board.asOf}">${clock(board.asOf)}</time></span></h2>
  <table class="markets__table">
    <tbody>
      ${board.indices.map(
        (i) => html`<tr class="markets__row markets__row--${trend(i.change)}" data-symbol="${i.symbol}">
        <th scope="row">${i.name}${i.open ? null : html` <span class="markets__closed" title="Market closed">closed</span>`}</th>
        <td class="num">${formatNumber(i.level, 2)}</td>
        <td class="num markets__change">${signed(i.changePct)}%</td>
      </tr>`,
      )}
    </tbody>
  </table>
</section>`
  },
})
