import { service } from '@nanoweb/core'
import { z } from 'zod'
import { Condition, station, weatherAt } from '../_lib/weather.ts'

export default service({
  description: 'Current weather for a city: condition, temperature, feels-like, wind and humidity',
  idempotent: true,
  uses: ['geo/lookup'],
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  timeout: '150ms',
  input: z.object({ city: z.string().min(1).max(80) }),
  output: z.object({
    city: z.string(),
    country: z.string(),
    observed: z.string(),
    condition: Condition,
    tempC: z.number(),
    feelsLikeC: z.number(),
    windKph: z.number().int(),
    windDirection: z.string(),
    humidityPct: z.number().int(),
  }),
  async run({ city }, ctx) {
    const place = await ctx.call('geo/lookup', { city })
    const now = Date.now()
    const observed = new Date(now - (now % 60_000)).toISOString()
    return { city: place.name, country: place.country, observed, ...weatherAt(station(place), now) }
  },
})
