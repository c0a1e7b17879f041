import { escapeHtml } from '../define/html.ts'

/**
 * The values a page template can read: route `params`, `query` parameters, and `data` from a
 * TypeScript page's `data()`.
 *
 * @example
 * const vars: PageVars = { params: { id: '42' }, query: new URLSearchParams('city=Leeds'), data: {} }
 */
export interface PageVars {
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  readonly data: Readonly<Record<string, unknown>>
  /** This response's CSP nonce, written on the page's own `<script>` and `<style>` elements. */
  readonly nonce?: string | undefined
  /**
   * A string that names `params`, `query` and `data` wholly (the same key means the same values),
   * when one is cheap to make. `''` means no values at all (a page with no params, no `data()`,
   * requested without a query): what is built from the values alone (a slot's input) is then
   * built once and kept. Undefined: nothing is known.
   */
  readonly key?: string | undefined
}

/**
 * A piece of template text: fixed text, or fixed text with `{params.x}`, `{query.x}`,
 * `{query.x|default}` or `{data.a.b}` holes, and attribute values holding holes
 * ({@link AttributeHoles}, made by `htmlTemplate` for page text).
 *
 * @example
 * const t: Template = ['/story/', { from: 'params', path: ['id'], fallback: undefined }]
 */
export type Template = string | readonly (string | Hole | AttributeHoles | NonceMark)[]

/**
 * Where a page's own `<script>` or `<style>` tag takes the response's CSP nonce
 * (` nonce="…"` right after the tag name; nothing when the response has none).
 *
 * @example
 * const template: Template = ['<script', NONCE, '>start()</script>']
 */
export interface NonceMark {
  readonly nonce: true
}

/**
 * The one {@link NonceMark}.
 *
 * @example
 * fill(['<script', NONCE, '>'], { ...vars, nonce: 'abc' }, true) // '<script nonce="abc">'
 */
export const NONCE: NonceMark = Object.freeze({ nonce: true })

/**
 * An attribute value of page HTML that holds holes, as its context asks it to be written: between
 * double quotes when the source left it unquoted, and, for a URL attribute (`href`, `src`,
 * `action`, `srcset`…), replaced by `about:invalid` when the value it makes (entities decoded)
 * starts with a `javascript:`, `vbscript:` or `data:` scheme.
 *
 * @example
 * const a: AttributeHoles = { attribute: 'href', value: [{ from: 'query', path: ['next'], fallback: '/' }], decoded: [{ from: 'query', path: ['next'], fallback: '/' }], quote: false, url: 'url' }
 */
export interface AttributeHoles {
  readonly attribute: string
  /** The value as written in the source (entities kept), with its holes. */
  readonly value: readonly (string | Hole)[]
  /** The value with entities decoded, with its holes: what the browser will see. */
  readonly decoded: readonly (string | Hole)[]
  readonly quote: boolean
  /** `url` for one URL, `srcset` for a list of them, undefined for any other attribute. */
  readonly url: 'url' | 'srcset' | undefined
}

/**
 * What a refused URL is replaced with: a URL that goes nowhere and runs nothing.
 *
 * @example
 * REFUSED_URL // 'about:invalid'
 */
export const REFUSED_URL = 'about:invalid'

/**
 * One `{source.path|default}` hole of a template.
 *
 * @example
 * const h: Hole = { from: 'query', path: ['city'], fallback: 'London' }
 */
export interface Hole {
  readonly from: 'params' | 'query' | 'data'
  readonly path: readonly string[]
  readonly fallback: string | undefined
}

const HOLE = /\{(params|query|data)\.([A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*)*)(?:\|([^{}]*))?\}/g

/**
 * The offsets of every hole in `text`.
 *
 * @example
 * holeOffsets('<p>{query.q}</p>') // [3]
 */
export function holeOffsets(text: string): number[] {
  return [...text.matchAll(HOLE)].map((match) => match.index)
}

/**
 * Splits text into a {@link Template}; text without holes stays a plain string.
 *
 * @example
 * parseTemplate('{query.city|London}') // [{ from: 'query', path: ['city'], fallback: 'London' }]
 */
export function parseTemplate(text: string): string | (string | Hole)[] {
  const parts: (string | Hole)[] = []
  let last = 0
  for (const match of text.matchAll(HOLE)) {
    if (match.index > last) parts.push(text.slice(last, match.index))
    parts.push({ from: match[1] as Hole['from'], path: (match[2] as string).split('.'), fallback: match[3] })
    last = match.index + match[0].length
  }
  if (parts.length === 0) return text
  if (last < text.length) parts.push(text.slice(last))
  return parts
}

/**
 * The text of a template for these values; holes are escaped for HTML when `escape` is set.
 * A missing value with no default is the empty string.
 *
 * @example
 * fill(parseTemplate('{params.id}'), vars, false) // '42'
 */
export function fill(template: Template, vars: PageVars, asHtml: boolean): string {
  if (typeof template === 'string') return template
  let out = ''
  for (const part of template) {
    if (typeof part === 'string') out += part
    else if ('from' in part) {
      const value = lookup(part, vars) ?? part.fallback ?? ''
      out += asHtml ? escapeHtml(value) : value
    } else if ('nonce' in part) {
      if (vars.nonce !== undefined) out += ` nonce="${escapeHtml(vars.nonce)}"`
    } else out += fillAttribute(part, vars)
  }
  return out
}

const UNSAFE_SCHEME = /^(?:javascript|vbscript|data):/i
const URL_NOISE = /[\t\n\r]/g
const LEADING = /^[\0-\x20]+/

/**
 * True when a URL attribute's value (entities decoded) would run code or smuggle a document: its
 * scheme, as a browser reads it (leading spaces and controls dropped, tabs and newlines removed
 * anywhere), is `javascript:`, `vbscript:` or `data:`. For `srcset`, any candidate.
 *
 * @example
 * isUnsafeUrl(' JaVa\tScRiPt:alert(1)', 'url') // true
 * isUnsafeUrl('/search?q=javascript:', 'url') // false
 */
export function isUnsafeUrl(value: string, kind: 'url' | 'srcset'): boolean {
  const candidates = kind === 'srcset' ? value.split(',') : [value]
  return candidates.some((url) => UNSAFE_SCHEME.test(url.replace(URL_NOISE, '').replace(LEADING, '')))
}

function fillAttribute(attribute: AttributeHoles, vars: PageVars): string {
  let text: string
  if (attribute.url !== undefined && isUnsafeUrl(fill(attribute.decoded, vars, false), attribute.url))
    text = REFUSED_URL
  else text = fill(attribute.value, vars, true)
  return attribute.quote ? `"${text}"` : text
}

function lookup(hole: Hole, vars: PageVars): string | undefined {
  if (hole.from === 'query') return vars.query.get(hole.path.join('.')) ?? undefined
  let value: unknown = hole.from === 'params' ? vars.params : vars.data
  for (const key of hole.path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value === undefined || value === null ? undefined : String(value)
}
