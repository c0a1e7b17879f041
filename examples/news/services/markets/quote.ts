import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { closeOn, markets, session } from '../_lib/markets.ts'
import { round } from '../_lib/random.ts'

export default service({
  description: 'Quote for an index or a share (simulated); a share moves with its index, scaled by its beta',
  idempotent: true,
  uses: ['markets/indices'],
  timeout: '200ms',
  input: z.object({ symbol: z.string().min(1).max(12) }),
  output: z.object({
    symbol: z.string(),
    name: z.string(),
    kind: z.enum(['index', 'share']),
    currency: z.string(),
    price: z.number(),
    change: z.number(),
    changePct: z.number(),
    open: z.boolean(),
    index: z.string().nullable(),
    asOf: z.string(),
  }),
  async run({ symbol }, ctx) {
    const wanted = symbol.trim().toUpperCase()
    const board = await ctx.call('markets/indices', {})
    const index = board.indices.find((i) => i.symbol === wanted)
    if (index !== undefined) {
      const { name, currency, level, change, changePct, open } = index
      return {
        symbol: wanted,
        name,
        kind: 'index' as const,
        currency,
        price: level,
        change,
        changePct,
        open,
        index: null,
        asOf: board.asOf,
      }
    }
    const share = markets.stocks.find((s) => s.symbol === wanted)
    const parent = board.indices.find((i) => i.symbol === share?.index)
    const market = markets.indices.find((i) => i.symbol === share?.index)
    if (share === undefined || parent === undefined || market === undefined)
      throw new NanoError('NANO_E_NOT_FOUND', `No index or share with symbol '${symbol}'`)
    const s = session(market.opens, market.closes, Date.parse(board.asOf))
    const previousClose = closeOn(share.symbol, share.base, s.previous)
    const ownPct = (closeOn(share.symbol, share.base, s.day) / previousClose - 1) * 100 * s.progress
    const changePct = share.beta * parent.changePct + ownPct
    const price = previousClose * (1 + changePct / 100)
    return {
      symbol: share.symbol,
      name: share.name,
      kind: 'share' as const,
      currency: share.currency,
      price: round(price, 2),
      change: round(price - previousClose, 2),
      changePct: round(changePct, 2),
      open: parent.open,
      index: parent.symbol,
      asOf: board.asOf,
    }
  },
})
