import { NanoError } from '@nanoweb/core'
import { z } from 'zod'
import { readData } from './data.ts'
import { dayOfYear, isoDay, localHour } from './dates.ts'
import { pick, round, seeded } from './random.ts'

/** What the sky is doing. */
export const Condition = z.enum([
  'sunny',
  'clear',
  'partly-cloudy',
  'cloudy',
  'fog',
  'light-rain',
  'showers',
  'heavy-rain',
  'thunderstorms',
  'sleet',
  'snow',
])
type ConditionName = z.output<typeof Condition>

/** One day's weather in one city. */
export interface DayWeather {
  day: string
  condition: ConditionName
  maxC: number
  minC: number
  rainChancePct: number
  windKph: number
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const
const Climate = z.object({ meanC: z.number(), swingC: z.number(), wetness: z.number().min(0).max(1) })
const climates = readData('climate', z.object({ cities: z.record(z.string(), Climate) }))

/** A place (as geo/lookup returns it) with the climate normals the weather model needs. */
export interface Station {
  name: string
  lat: number
  timezone: string
  climate: z.output<typeof Climate>
}

/** The weather station of a place found by geo/lookup; `NANO_E_NOT_FOUND` when it has no climate data. */
export function station(place: { name: string; lat: number; timezone: string }): Station {
  const climate = climates.cities[place.name]
  if (climate === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No weather data for ${place.name}`)
  return { name: place.name, lat: place.lat, timezone: place.timezone, climate }
}

/** The simulated weather of `city` on `day`: its climate normals plus seeded day-to-day noise. */
export function dayWeather(city: Station, day: string): DayWeather {
  const { meanC, swingC, wetness } = city.climate
  const r = seeded(`${city.name}:${day}`)
  const season = -Math.cos((2 * Math.PI * (dayOfYear(day) - 20)) / 365.25) * (city.lat < 0 ? -1 : 1)
  const mean = meanC + swingC * season + (r() - 0.5) * 6
  const wet = Math.min(1, Math.max(0, wetness + (r() - 0.5) * 0.8))
  const spread = 3 + r() * 6 * (1 - wet / 2)
  const maxC = round(mean + spread / 2)
  const windKph = Math.round(6 + r() * 22 + wet * 15)
  return {
    day,
    condition: conditionFor(wet, maxC, windKph, r),
    maxC,
    minC: round(mean - spread / 2),
    rainChancePct: Math.round(wet * 100),
    windKph,
  }
}

/** The simulated weather in `city` at time `at`: the day's range shaped by the local hour. */
export function weatherAt(city: Station, at: number) {
  const day = dayWeather(city, isoDay(at, city.timezone))
  const hour = localHour(at, city.timezone)
  const r = seeded(`${city.name}:${day.day}:${Math.floor(hour)}`)
  const tempC = round(day.minC + (day.maxC - day.minC) * (0.5 + 0.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24)), 1)
  const windKph = Math.round(day.windKph * (0.7 + r() * 0.6))
  const night = hour < 7 || hour >= 18
  return {
    condition: night && day.condition === 'sunny' ? ('clear' as const) : day.condition,
    tempC,
    feelsLikeC: tempC <= 10 && windKph > 5 ? round(windChill(tempC, windKph), 1) : tempC,
    windKph,
    windDirection: pick(COMPASS, seeded(`${city.name}:${day.day}:wind`)),
    humidityPct: Math.min(100, Math.round(45 + day.rainChancePct * 0.45 + r() * 10)),
  }
}

/** Felt temperature in wind (the North American / UK wind chill index). */
function windChill(tempC: number, windKph: number): number {
  const v = windKph ** 0.16
  return 13.12 + 0.6215 * tempC - 11.37 * v + 0.3965 * tempC * v
}

function conditionFor(wet: number, maxC: number, windKph: number, r: () => number): ConditionName {
  if (wet > 0.8) return maxC < 2 ? 'snow' : r() < 0.3 && maxC > 12 ? 'thunderstorms' : 'heavy-rain'
  if (wet > 0.6) return maxC < 3 ? 'sleet' : r() < 0.5 ? 'showers' : 'light-rain'
  if (wet > 0.4) return maxC < 10 && windKph < 15 ? 'fog' : 'cloudy'
  return wet > 0.2 ? 'partly-cloudy' : 'sunny'
}
