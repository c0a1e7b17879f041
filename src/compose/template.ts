import { Parser } from 'htmlparser2'
import { type Duration, toMs } from '../define/duration.ts'
import { HoleContexts } from './hole-context.ts'
import { parseTemplate, type Template } from './interpolate.ts'

/**
 * One `<nano-fragment>` of a page.
 *
 * @example
 * const slot: SlotSpec = { src: 'weather/box', attributes: { city: '{query.city|London}' }, fallback: 'Weather is unavailable', primary: false, defer: false, timeoutMs: 100 }
 */
export interface SlotSpec {
  readonly src: string
  /** Attribute templates that become the fragment's input. */
  readonly attributes: Readonly<Record<string, Template>>
  /** HTML shown when the fragment fails or runs out of time (and while a deferred one loads). */
  readonly fallback: string
  readonly primary: boolean
  readonly defer: boolean
  readonly timeoutMs: number | undefined
}

/**
 * A page template parsed once: fixed text and the places where things go, in document order.
 *
 * @example
 * const part: TemplatePart = { kind: 'text', text: '<!doctype html>' }
 */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: Template }
  | { readonly kind: 'slot'; readonly slot: SlotSpec; readonly index: number }
  | { readonly kind: 'head-end' }
  | { readonly kind: 'body-end' }

/**
 * The parsed template: its parts, its slots, and the page budget (`budget` on `<html>` or `<body>`).
 *
 * @example
 * const parsed = parsePage(source, 'pages/index.html')
 * parsed.slots.length // 15
 */
export interface ParsedPage {
  readonly parts: readonly TemplatePart[]
  readonly slots: readonly SlotSpec[]
  readonly budgetMs: number | undefined
}

const RESERVED = new Set(['src', 'primary', 'defer', 'timeout'])

/**
 * Parses a page template with a real HTML tokenizer (htmlparser2): `<nano-fragment>` elements
 * become slots, the text between them is kept byte for byte, and the ends of `<head>` and
 * `<body>` are marked (assets go before the first, deferred fragments before the second).
 * Each hole of the page text is written for its context ({@link HoleContexts}).
 * Throws a `TypeError` naming the file and the problem for a malformed slot, and
 * `NANO_E_BAD_DEFINITION` naming the file and line for a hole that cannot be made safe.
 *
 * @example
 * parsePage('<body><nano-fragment src="news/top">Top story unavailable</nano-fragment></body>', 'index.html')
 */
export function parsePage(source: string, file: string): ParsedPage {
  const parts: TemplatePart[] = []
  const slots: SlotSpec[] = []
  let budget: Duration | undefined
  let textFrom = 0
  const contexts = new HoleContexts(source, file)
  let firstTextEnd = 0
  let open: { attributes: Record<string, string>; start: number; contentFrom: number; depth: number } | undefined
  const pushText = (to: number): void => {
    if (to <= textFrom) return
    if (parts.length === 0 && textFrom === 0) firstTextEnd = to
    parts.push({ kind: 'text', text: contexts.template(textFrom, to) })
  }
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (open !== undefined) {
          if (name === 'nano-fragment') open.depth += 1
          return
        }
        if ((name === 'html' || name === 'body') && attributes.budget !== undefined)
          budget = attributeDuration(attributes.budget)
        if (name !== 'nano-fragment') return
        pushText(parser.startIndex)
        open = { attributes, start: parser.startIndex, contentFrom: parser.endIndex + 1, depth: 0 }
        if (source[parser.endIndex - 1] === '/') closeSlot(parser.endIndex + 1, parser.endIndex + 1)
      },
      onclosetag(name, implied) {
        if (open !== undefined) {
          if (name !== 'nano-fragment') return
          if (open.depth > 0) {
            open.depth -= 1
            return
          }
          closeSlot(parser.startIndex, implied ? parser.startIndex : parser.endIndex + 1)
          return
        }
        if (name === 'head' && !implied) {
          pushText(parser.startIndex)
          parts.push({ kind: 'head-end' })
          textFrom = parser.startIndex
        } else if (name === 'body' && !implied) {
          pushText(parser.startIndex)
          parts.push({ kind: 'body-end' })
          textFrom = parser.startIndex
        }
      },
    },
    { lowerCaseAttributeNames: true, decodeEntities: true, recognizeSelfClosing: true },
  )
  const closeSlot = (contentTo: number, next: number): void => {
    const current = open as NonNullable<typeof open>
    open = undefined
    slots.push(
      slotSpec(current.attributes, source.slice(current.contentFrom, Math.max(current.contentFrom, contentTo)), file),
    )
    parts.push({ kind: 'slot', slot: slots[slots.length - 1] as SlotSpec, index: slots.length - 1 })
    textFrom = next
  }
  parser.write(source)
  parser.end()
  if (open !== undefined) closeSlot(source.length, source.length)
  pushText(source.length)
  if (!parts.some((p) => p.kind === 'head-end')) placeHeadEnd(parts, source, firstTextEnd, contexts)
  if (!parts.some((p) => p.kind === 'body-end')) parts.push({ kind: 'body-end' })
  return { parts, slots, budgetMs: budget === undefined ? undefined : toMs(budget, `budget in ${file}`) }
}

/**
 * Marks where the head tags go in a page without `</head>`: right after a leading doctype (head
 * tags before it would put the browser in quirks mode), else first.
 */
function placeHeadEnd(parts: TemplatePart[], source: string, firstTextEnd: number, contexts: HoleContexts): void {
  const doctype = /^\s*<!doctype[^>]*>/i.exec(source)?.[0].length ?? 0
  if (doctype === 0 || parts[0]?.kind !== 'text' || firstTextEnd < doctype) {
    parts.unshift({ kind: 'head-end' })
    return
  }
  const rest: TemplatePart[] =
    firstTextEnd > doctype ? [{ kind: 'text', text: contexts.template(doctype, firstTextEnd) }] : []
  parts.splice(0, 1, { kind: 'text', text: contexts.template(0, doctype) }, { kind: 'head-end' }, ...rest)
}

function slotSpec(attributes: Record<string, string>, fallback: string, file: string): SlotSpec {
  const src = attributes.src
  if (src === undefined || src === '')
    throw new TypeError(`${file}: <nano-fragment> needs a src="<service name>" attribute`)
  const input: Record<string, Template> = {}
  for (const [name, value] of Object.entries(attributes))
    if (!RESERVED.has(name)) input[camel(name)] = parseTemplate(value)
  const timeout = attributes.timeout
  return {
    src,
    attributes: input,
    fallback,
    primary: attributes.primary !== undefined,
    defer: attributes.defer !== undefined,
    timeoutMs: timeout === undefined ? undefined : toMs(attributeDuration(timeout), `timeout of ${src} in ${file}`),
  }
}

/** An attribute's duration: bare digits are milliseconds, as a number is in TypeScript. */
function attributeDuration(text: string): Duration {
  return /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : (text as Duration)
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}
