import { type ElementAt, scanLayoutMarks } from './layout-scan.ts'

/**
 * A piece of a layout: fixed text, or a `<nano-slot>` (`name` is `''` for the default slot) with
 * its fallback content.
 *
 * @example
 * const piece: LayoutPiece = { slot: 'head', fallback: '<title>Nano News</title>' }
 */
export type LayoutPiece = string | { readonly slot: string; readonly fallback: string }

/**
 * A `_layout.html` parsed once. A whole document (`<!doctype` or `<html` first) is the outermost
 * layout; any other is itself wrapped by the layout above it, to which it passes its own `parts`.
 *
 * @example
 * const layout = parseLayout(source, 'pages/_layout.html')
 * layout.slots // Set { '', 'head' }
 */
export interface Layout {
  readonly file: string
  readonly whole: boolean
  readonly body: readonly LayoutPiece[]
  readonly parts: ReadonlyMap<string, readonly LayoutPiece[]>
  /** Every slot name of the layout, `''` for the default one. */
  readonly slots: ReadonlySet<string>
}

/**
 * What fills a layout: the default content and the named parts (`<template slot="name">`), each
 * with the file it was written in (for error messages).
 *
 * @example
 * const content = splitPage('<template slot="head"><title>Sport</title></template><main>…</main>', 'pages/sport/index.html')
 * content.parts.get('head') // { html: '<title>Sport</title>', from: 'pages/sport/index.html' }
 */
export interface PageContent {
  readonly body: string
  readonly parts: ReadonlyMap<string, { readonly html: string; readonly from: string }>
}

const WHOLE = /^\uFEFF?\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype|html)[\s>/]/i

/**
 * True when a template is a whole document: its first content, past whitespace and comments, is
 * `<!doctype` or `<html` (any case). A whole document is never wrapped in a layout.
 *
 * @example
 * isWholeDocument('<!-- home -->\n<!DOCTYPE html><html>…') // true
 * isWholeDocument('<main>…</main>')                     // false
 */
export function isWholeDocument(source: string): boolean {
  return WHOLE.test(source)
}

/**
 * Splits a page (or a layout that is not a whole document) into its default content and its
 * named parts: each `<template slot="name">` outside every other element is a part, and what
 * remains is the default content. Both are trimmed of surrounding whitespace.
 * Throws a `TypeError` naming the file for a part given twice or without a name.
 *
 * @example
 * splitPage('<template slot="head"><title>T</title></template>\n<main>x</main>', 'pages/a.html').body // '<main>x</main>'
 */
export function splitPage(source: string, file: string): PageContent {
  const parts = new Map<string, { html: string; from: string }>()
  let body = ''
  let from = 0
  for (const part of scanLayoutMarks(source).parts) {
    const name = partName(part, file)
    if (parts.has(name)) throw new TypeError(`${file}: <template slot="${name}"> is given twice`)
    parts.set(name, { html: source.slice(part.innerStart, part.innerEnd).trim(), from: file })
    body += source.slice(from, part.start)
    from = part.end
  }
  return { body: (body + source.slice(from)).trim(), parts }
}

/**
 * Parses a `_layout.html`: its `<nano-slot>`s (exactly one without a name, the default; named
 * ones at most once each; none inside another) and, when it is not a whole document, the parts it
 * passes to the layout above. Throws a `TypeError` naming the file when a rule is broken.
 *
 * @example
 * parseLayout('<!doctype html><html><body><nano-slot></nano-slot></body></html>', 'pages/_layout.html')
 */
export function parseLayout(source: string, file: string): Layout {
  const whole = isWholeDocument(source)
  const marks = scanLayoutMarks(source)
  if (marks.nestedSlot) throw new TypeError(`${file}: a <nano-slot> cannot be inside another <nano-slot>`)
  const content: PageContent = whole ? { body: source, parts: new Map() } : splitPage(source, file)
  const slots = new Set<string>()
  for (const slot of marks.slots) {
    const name = slot.name ?? ''
    if (slots.has(name)) throw new TypeError(`${file}: ${describe(name)} is given twice`)
    slots.add(name)
  }
  if (!slots.has('')) throw new TypeError(`${file}: a layout needs one <nano-slot></nano-slot> where the page goes`)
  const parts = new Map([...content.parts].map(([name, part]) => [name, pieces(part.html)] as const))
  return { file, whole, body: pieces(content.body), parts, slots }
}

/**
 * Puts content into a layout: each `<nano-slot>` gets the part of its name (the default one the
 * default content), or its fallback when the content has none (or only whitespace). Returns the
 * merged text when the layout is a whole document, else the content to pass on to the layout
 * above. Throws a `TypeError` naming the file of a part the layout has no slot for.
 *
 * @example
 * const merged = fillLayout(layout, splitPage(source, 'pages/index.html')) // '<!doctype html>…'
 */
export function fillLayout(layout: Layout, content: PageContent): string | PageContent {
  for (const [name, part] of content.parts) {
    if (!layout.slots.has(name))
      throw new TypeError(`${part.from}: <template slot="${name}"> has no <nano-slot name="${name}"> in ${layout.file}`)
  }
  const text = (slot: string): string =>
    slot === '' ? content.body : ((content.parts.get(slot) as { html: string } | undefined)?.html ?? '')
  const fill = (list: readonly LayoutPiece[]): string =>
    list.map((p) => (typeof p === 'string' ? p : text(p.slot) === '' ? p.fallback : text(p.slot))).join('')
  const body = fill(layout.body)
  if (layout.whole) return body
  const parts = new Map([...layout.parts].map(([name, list]) => [name, { html: fill(list), from: layout.file }]))
  return { body, parts }
}

function pieces(text: string): LayoutPiece[] {
  const out: LayoutPiece[] = []
  let from = 0
  for (const slot of scanLayoutMarks(text).slots) {
    if (slot.start > from) out.push(text.slice(from, slot.start))
    out.push({ slot: slot.name ?? '', fallback: text.slice(slot.innerStart, slot.innerEnd) })
    from = slot.end
  }
  if (from < text.length) out.push(text.slice(from))
  return out
}

function partName(part: ElementAt, file: string): string {
  const name = part.name?.trim() ?? ''
  if (name === '') throw new TypeError(`${file}: <template slot> needs a name, as in <template slot="head">`)
  return name
}

function describe(name: string): string {
  return name === '' ? 'the default <nano-slot>' : `<nano-slot name="${name}">`
}
