import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, formatNumber, signed, trend } from '../_lib/fragments.ts'

const DEFAULT_SYMBOLS = 'NWB,BRT,GRD,HLX,ORB'
/** The longest symbol `markets/quote` takes: a longer word names no share, so it is left out too. */
const MAX_SYMBOL = 12

export default fragment({
  description: 'Share prices for a comma-separated list of `symbols`; unknown symbols are left out',
  input: z.object({ symbols: z.string().min(1).max(120).optional(), ...DEMO_FLAGS }),
  uses: ['markets/quote'],
  css: 'markets.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ symbols = DEFAULT_SYMBOLS, ...flags }, ctx) {
    await demoEffects('fragments/share-prices', flags, ctx)
    const wanted = [
      ...new Set(
        symbols
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter((s) => s !== '' && s.length <= MAX_SYMBOL),
      ),
    ].slice(0, 10)
    const settled = await Promise.allSettled(wanted.map((symbol) => ctx.call('markets/quote', { symbol })))
    const quotes = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    if (quotes.length === 0 && settled[0]?.status === 'rejected') throw settled[0].reason
    return html`<section class="markets markets--shares" data-fragment="fragments/share-prices">
  <h2 class="markets__heading">Shares</h2>
  <table class="markets__table">
    <tbody>
      ${quotes.map(
        (q) => html`<tr class="markets__row markets__row--${trend(q.change)}" data-symbol="${q.symbol}">
        <th scope="row">${q.name} <abbr class="markets__symbol">${q.symbol}</abbr></th>
        <td class="num">${formatNumber(q.price, 2)} <span class="markets__currency">${q.currency}</span></td>
        <td class="num markets__change">${signed(q.changePct)}%</td>
      </tr>`,
      )}
    </tbody>
  </table>
</section>`
  },
})
