import { z } from 'zod'
import { readData } from './data.ts'

const City = z.object({
  name: z.string(),
  country: z.string(),
  lat: z.number(),
  lon: z.number(),
  timezone: z.string(),
  aliases: z.array(z.string()),
})

/** A city as stored in data/cities.json. */
export type CityRecord = z.output<typeof City>

/** Every known city, from data/cities.json. */
export const cities: readonly CityRecord[] = readData('cities', z.object({ cities: z.array(City) })).cities

/** The city whose name or alias matches `text` (case and spacing ignored), or undefined. */
export function findCity(text: string): CityRecord | undefined {
  const wanted = text.trim().replace(/\s+/g, ' ').toLowerCase()
  return cities.find((c) => c.name.toLowerCase() === wanted || c.aliases.includes(wanted))
}
