import { service } from 'nanoweb'
import { z } from 'zod'

export default service({
  description: 'Current weather for a city',
  input: z.object({ city: z.string().min(1) }),
  output: z.object({ city: z.string(), tempC: z.number() }),
  uses: ['geo/lookup'],
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  timeout: '150ms',
  async run({ city }, ctx) {
    const where = await ctx.call('geo/lookup', { city })
    return { city, tempC: Math.round(where.lat) % 30 }
  },
})
