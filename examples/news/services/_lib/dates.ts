const DAY_MS = 86_400_000

const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>()
const TIME_FORMATS = new Map<string, Intl.DateTimeFormat>()

/** One formatter per time zone: making an `Intl.DateTimeFormat` costs far more than using one. */
function formatIn(formats: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat) {
  let format = formats.get(timeZone)
  if (format === undefined) {
    format = make()
    formats.set(timeZone, format)
  }
  return format
}

/** The calendar day `YYYY-MM-DD` of `at` in `timeZone` (UTC by default). */
export function isoDay(at: number, timeZone = 'UTC'): string {
  const make = () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  return formatIn(DAY_FORMATS, timeZone, make).format(at)
}

/** The local wall-clock time `HH:MM` of `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): string {
  const make = () =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  return formatIn(TIME_FORMATS, timeZone, make).format(at)
}

/** The local hour (0–24, fractional) of `at` in `timeZone`. */
export function localHour(at: number, timeZone: string): number {
  const [h, m] = localTime(at, timeZone).split(':').map(Number)
  return (h ?? 0) + (m ?? 0) / 60
}

/** The day `n` days after `day` (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** Days since 1970-01-01 of `day` (`YYYY-MM-DD`): a stable number for seasonal cycles and seeds. */
export function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS)
}

/** Day of the year (1–366) of `day` (`YYYY-MM-DD`). */
export function dayOfYear(day: string): number {
  return dayNumber(day) - dayNumber(`${day.slice(0, 4)}-01-01`) + 1
}

/** English weekday name of `day` (`YYYY-MM-DD`), for example `Thursday`. */
export function weekday(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })
}
