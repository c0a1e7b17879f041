import { type Html, html, isNanoError } from '@nanoweb/core'
import { z } from 'zod'
import { SECTION_INFO, type Section } from './news.ts'

/**
 * The demo inputs every fragment accepts, spread into its input schema: `slow` waits that many
 * milliseconds before rendering, `fail` makes it throw. Pages set them from query flags
 * (`?slowweather=2000`, `?failmarkets=true`) to show timeouts, fallbacks and out-of-order
 * streaming. Both are part of the input, so part of a cached fragment's key.
 */
export const DEMO_FLAGS = {
  slow: z.number().int().min(0).max(5000).optional(),
  fail: z.boolean().optional(),
}

/** The demo inputs as `render` receives them. */
export interface DemoFlags {
  slow?: number | undefined
  fail?: boolean | undefined
}

/**
 * Applies the demo flags: waits `slow` ms (ending early, with the deadline's own error, when the
 * call is abandoned), then throws when `fail` is set. `ctx.signal` is read only when there is
 * something to wait for: reading it arms the deadline's timer.
 */
export async function demoEffects(
  name: string,
  { slow, fail }: DemoFlags,
  ctx: { readonly signal: AbortSignal },
): Promise<void> {
  if (slow !== undefined && slow > 0) {
    const signal = ctx.signal
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, slow)
      function done(): void {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
    })
    signal.throwIfAborted()
  }
  if (fail === true) throw new Error(`${name} failed on purpose (fail=true)`)
}

/** True for a `NANO_E_NOT_FOUND` error, from this service or one it called. */
export function isNotFound(error: unknown): boolean {
  return isNanoError(error) && error.code === 'NANO_E_NOT_FOUND'
}

/** The page of a story. */
export function storyHref(id: string): string {
  return `/story/${encodeURIComponent(id)}`
}

/** Where a section's stories are: the sport page, or the section's block on the front page. */
export function sectionHref(section: z.output<typeof Section>): string {
  return section === 'sport' ? '/sport' : `/#section-${section}`
}

/** The label of a section, as the menu shows it. */
export function sectionLabel(section: z.output<typeof Section>): string {
  return SECTION_INFO[section].title
}

const UK_TIME = 'Europe/London'
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME,
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
const CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/**
 * `format` remembering what it gave for each text (formatting a date is slow; the same
 * timestamps come back on every page). Forgets everything past 1,000 texts.
 */
function remembered(format: (text: string) => string): (text: string) => string {
  const known = new Map<string, string>()
  return (text) => {
    let out = known.get(text)
    if (out === undefined) {
      if (known.size >= 1000) known.clear()
      out = format(text)
      known.set(text, out)
    }
    return out
  }
}

/** `26 Nov, 07:42` (UK time). */
export const shortDateTime: (iso: string) => string = remembered((iso) => DATE_TIME.format(Date.parse(iso)))

/** `Thursday 26 November 2026` (UK time). */
export function longDate(at: number): string {
  return LONG_DATE.format(at)
}

/** `07:42` (UK time). */
export const clock: (iso: string) => string = remembered((iso) => CLOCK.format(Date.parse(iso)))

/** A `<time>` element with a machine-readable timestamp. */
export function timeTag(iso: string): Html {
  return html`<time datetime="${iso}">${shortDateTime(iso)}</time>`
}

const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>()

/** A number with thousands separators and a fixed number of decimals. */
export function formatNumber(value: number, decimals = 0): string {
  let format = NUMBER_FORMATS.get(decimals)
  if (format === undefined) {
    format = new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    NUMBER_FORMATS.set(decimals, format)
  }
  return format.format(value)
}

/** A signed change, `+1.25` or `−0.40`, with the true minus sign. */
export function signed(value: number, decimals = 2): string {
  const text = formatNumber(Math.abs(value), decimals)
  return value > 0 ? `+${text}` : value < 0 ? `\u2212${text}` : text
}

/** `up`, `down` or `flat`, for colouring a change. */
export function trend(value: number): 'up' | 'down' | 'flat' {
  return value > 0 ? 'up' : value < 0 ? 'down' : 'flat'
}

const WEATHER_ICONS: Record<string, string> = {
  sunny: '\u2600\uFE0F',
  clear: '\uD83C\uDF19',
  'partly-cloudy': '\u26C5',
  cloudy: '\u2601\uFE0F',
  fog: '\uD83C\uDF2B\uFE0F',
  'light-rain': '\uD83C\uDF26\uFE0F',
  showers: '\uD83C\uDF27\uFE0F',
  'heavy-rain': '\uD83C\uDF27\uFE0F',
  thunderstorms: '\u26C8\uFE0F',
  sleet: '\uD83C\uDF28\uFE0F',
  snow: '\u2744\uFE0F',
}

/** An emoji for a weather condition. */
export function weatherIcon(condition: string): string {
  return WEATHER_ICONS[condition] ?? '\u2601\uFE0F'
}

/** `partly-cloudy` → `Partly cloudy`. */
export function conditionLabel(condition: string): string {
  const words = condition.replaceAll('-', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
