import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { cities, findCity } from '../_lib/geo.ts'

export default service({
  description: 'Resolves a city name or alias to its canonical name, country, coordinates and time zone',
  visibility: 'internal',
  idempotent: true,
  input: z.object({ city: z.string().min(1).max(80) }),
  output: z.object({
    name: z.string(),
    country: z.string(),
    lat: z.number(),
    lon: z.number(),
    timezone: z.string(),
  }),
  run({ city }) {
    const found = findCity(city)
    if (found === undefined) {
      const known = cities.map((c) => c.name)
      throw new NanoError('NANO_E_NOT_FOUND', `Unknown city '${city}'. Known cities: ${known.join(', ')}`)
    }
    return { name: found.name, country: found.country, lat: found.lat, lon: found.lon, timezone: found.timezone }
  },
})
