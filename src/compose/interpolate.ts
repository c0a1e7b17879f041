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
}

/**
 * A piece of template text: fixed text, or fixed text with `{params.x}`, `{query.x}`,
 * `{query.x|default}` or `{data.a.b}` holes.
 *
 * @example
 * const t: Template = ['/story/', { from: 'params', path: ['id'], fallback: undefined }]
 */
export type Template = string | readonly (string | Hole)[]

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
 * Splits text into a {@link Template}; text without holes stays a plain string.
 *
 * @example
 * parseTemplate('{query.city|London}') // [{ from: 'query', path: ['city'], fallback: 'London' }]
 */
export function parseTemplate(text: string): Template {
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
    else {
      const value = lookup(part, vars) ?? part.fallback ?? ''
      out += asHtml ? escapeHtml(value) : value
    }
  }
  return out
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
