import { service } from '@nanoweb/core'
import { z } from 'zod'
import { levelAt, markets, Region, session } from '../_lib/markets.ts'
import { round } from '../_lib/random.ts'

export default service({
  description: 'Stock market indices (simulated): level, change on the previous close, and whether trading is open',
  idempotent: true,
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  input: z.object({ region: Region.optional() }),
  output: z.object({
    asOf: z.string(),
    indices: z.array(
      z.object({
        symbol: z.string(),
        name: z.string(),
        region: Region,
        currency: z.string(),
        level: z.number(),
        change: z.number(),
        changePct: z.number(),
        open: z.boolean(),
      }),
    ),
  }),
  run({ region }) {
    const at = Date.now()
    const indices = markets.indices
      .filter((i) => region === undefined || i.region === region)
      .map((i) => {
        const s = session(i.opens, i.closes, at)
        const { level, previousClose } = levelAt(i.symbol, i.base, s, at)
        const change = level - previousClose
        return {
          symbol: i.symbol,
          name: i.name,
          region: i.region,
          currency: i.currency,
          level: round(level, 2),
          change: round(change, 2),
          changePct: round((change / previousClose) * 100, 2),
          open: s.open,
        }
      })
    return { asOf: new Date(at).toISOString(), indices }
  },
})
