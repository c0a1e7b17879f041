import { z } from 'zod'
import { readData } from './data.ts'
import { addDays, dayNumber, isoDay } from './dates.ts'
import { hash, seeded } from './random.ts'

/** The regions markets are grouped in. */
export const Region = z.enum(['uk', 'europe', 'us', 'asia'])

const Index = z.object({
  symbol: z.string(),
  name: z.string(),
  region: Region,
  currency: z.string(),
  base: z.number(),
  opens: z.string(),
  closes: z.string(),
})
const Stock = z.object({
  symbol: z.string(),
  name: z.string(),
  index: z.string(),
  currency: z.string(),
  base: z.number(),
  beta: z.number(),
})

/** Indices and shares of data/markets.json. */
export const markets = readData('markets', z.object({ indices: z.array(Index), stocks: z.array(Stock) }))

/** Where a market is in its trading week at some moment. */
export interface Session {
  day: string
  previous: string
  progress: number
  open: boolean
}

/** The session at `at` of a market open `opens`–`closes` (UTC `HH:MM`) on weekdays. */
export function session(opens: string, closes: string, at: number): Session {
  const today = isoDay(at)
  const day = lastWeekday(today)
  const minutes = (at - Date.parse(`${today}T00:00:00Z`)) / 60_000
  const raw = (minutes - toMinutes(opens)) / (toMinutes(closes) - toMinutes(opens))
  const progress = day === today ? Math.min(1, Math.max(0, raw)) : 1
  return { day, previous: lastWeekday(addDays(day, -1)), progress, open: progress > 0 && progress < 1 }
}

/** Closing level on `day` of an instrument around `base`: slow seeded waves, the same for every caller. */
export function closeOn(symbol: string, base: number, day: string): number {
  const d = dayNumber(day)
  const h = hash(symbol)
  const noise = seeded(`${symbol}:${day}`)() - 0.5
  return base * (1 + 0.04 * Math.sin(d / 23 + (h % 7)) + 0.015 * Math.sin(d / 4.3 + (h % 11)) + 0.006 * noise)
}

/** Level at `at`: the previous close moving to the day's close through the session, wobbling every 5 minutes. */
export function levelAt(
  symbol: string,
  base: number,
  s: Session,
  at: number,
): { level: number; previousClose: number } {
  const previousClose = closeOn(symbol, base, s.previous)
  const close = closeOn(symbol, base, s.day)
  const wobble = s.open ? (seeded(`${symbol}:${Math.floor(at / 300_000)}`)() - 0.5) * 0.003 * previousClose : 0
  return { level: previousClose + (close - previousClose) * s.progress + wobble, previousClose }
}

function lastWeekday(day: string): string {
  let d = day
  while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay())) d = addDays(d, -1)
  return d
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}
