import { service } from '@nanoweb/core'
import { z } from 'zod'
import { addDays, isoDay, weekday } from '../_lib/dates.ts'
import { Condition, dayWeather, station } from '../_lib/weather.ts'

export default service({
  description: 'Daily forecast for a city, 1 to 7 days from today (5 when not given)',
  idempotent: true,
  uses: ['geo/lookup'],
  cache: { ttl: '10m', staleWhileRevalidate: '1h' },
  timeout: '200ms',
  input: z.object({
    city: z.string().min(1).max(80),
    days: z.number().int().min(1).max(7).optional(),
  }),
  output: z.object({
    city: z.string(),
    country: z.string(),
    days: z.array(
      z.object({
        date: z.string(),
        weekday: z.string(),
        condition: Condition,
        maxC: z.number(),
        minC: z.number(),
        rainChancePct: z.number().int(),
        windKph: z.number().int(),
      }),
    ),
  }),
  async run({ city, days = 5 }, ctx) {
    const place = await ctx.call('geo/lookup', { city })
    const where = station(place)
    const today = isoDay(Date.now(), place.timezone)
    const forecast = Array.from({ length: days }, (_, i) => {
      const { day, ...weather } = dayWeather(where, addDays(today, i))
      return { date: day, weekday: weekday(day), ...weather }
    })
    return { city: place.name, country: place.country, days: forecast }
  },
})
