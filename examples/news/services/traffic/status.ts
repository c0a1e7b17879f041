import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { readData } from '../_lib/data.ts'
import { isoDay, localHour } from '../_lib/dates.ts'
import { pick, poisson, seeded, shuffled } from '../_lib/random.ts'

const Level = z.enum(['light', 'moderate', 'heavy', 'severe'])
const network = readData(
  'roads',
  z.object({ roads: z.record(z.string(), z.array(z.string()).min(1)), kinds: z.array(z.string()).min(1) }),
)

export default service({
  description: 'Traffic on the main roads of a UK city (simulated, busier at rush hour), updated every 15 minutes',
  idempotent: true,
  uses: ['geo/lookup'],
  cache: { ttl: '2m', staleWhileRevalidate: '10m' },
  timeout: '150ms',
  input: z.object({ city: z.string().min(1).max(80) }),
  output: z.object({
    city: z.string(),
    updated: z.string(),
    level: Level,
    incidents: z.array(
      z.object({ road: z.string(), kind: z.string(), delayMinutes: z.number().int(), description: z.string() }),
    ),
  }),
  async run({ city }, ctx) {
    const place = await ctx.call('geo/lookup', { city })
    const roads = network.roads[place.name]
    if (roads === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No traffic information for ${place.name}`)
    const quarter = Math.floor(Date.now() / 900_000)
    const r = seeded(`${place.name}:${quarter}`)
    const busy = isRushHour(quarter * 900_000, place.timezone)
    const affected = shuffled(roads, r).slice(0, poisson(busy ? 3 : 1.2, r))
    const incidents = affected.map((road) => {
      const kind = pick(network.kinds, r)
      const delayMinutes = Math.round(3 + r() * (busy ? 35 : 15))
      const junction = 2 + Math.floor(r() * 20)
      const where = /^M\d/.test(road) ? ` between junctions ${junction} and ${junction + 1}` : ''
      const what = kind.charAt(0).toUpperCase() + kind.slice(1)
      return {
        road,
        kind,
        delayMinutes,
        description: `${what} on the ${road}${where}: allow ${delayMinutes} extra minutes`,
      }
    })
    const level = levelOf(incidents.reduce((sum, i) => sum + i.delayMinutes, 0))
    return { city: place.name, updated: new Date(quarter * 900_000).toISOString(), level, incidents }
  },
})

/** Weekday mornings 07:00–09:30 and evenings 16:00–18:30, local time. */
function isRushHour(at: number, timeZone: string): boolean {
  const weekend = [0, 6].includes(new Date(`${isoDay(at, timeZone)}T12:00:00Z`).getUTCDay())
  const h = localHour(at, timeZone)
  return !weekend && ((h >= 7 && h < 9.5) || (h >= 16 && h < 18.5))
}

/** The overall level for the sum of all delays, in minutes. */
function levelOf(totalDelay: number): z.output<typeof Level> {
  return totalDelay < 15 ? 'light' : totalDelay < 40 ? 'moderate' : totalDelay < 80 ? 'heavy' : 'severe'
}
