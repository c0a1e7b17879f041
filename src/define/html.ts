const HTML_BRAND: unique symbol = Symbol.for('nanoweb.html') as never

/**
 * HTML that is safe to write as is: made by the {@link html} tag or marked with {@link raw}.
 *
 * @example
 * const h: Html = html`<b>${name}</b>`
 * h.value // '<b>Ada &amp; Bo</b>'
 */
export class Html {
  readonly value: string
  readonly [HTML_BRAND] = true

  constructor(value: string) {
    this.value = value
  }

  toString(): string {
    return this.value
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const NEEDS_ESCAPE = /[&<>"']/
const TO_ESCAPE = /[&<>"']/g

/**
 * Escapes text for HTML text and attribute positions.
 *
 * @example
 * escapeHtml('<script>') // '&lt;script&gt;'
 */
export function escapeHtml(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(TO_ESCAPE, (c) => ESCAPES[c] as string) : text
}

/**
 * Marks a string as trusted HTML: it is written without escaping. Only for HTML you made.
 *
 * @example
 * html`<div>${raw('<em>trusted</em>')}</div>`
 */
export function raw(markup: string): Html {
  return new Html(markup)
}

/**
 * The HTML template tag. Every interpolated value is escaped (text and attribute positions; an
 * unquoted attribute value is quoted), unless it is itself `Html` (nested `html` or `raw()`),
 * so nested templates compose without double escaping. Arrays are joined; `null`, `undefined`
 * and `false` write nothing.
 *
 * @example
 * html`<a href=${url} title="${title}">${items.map((i) => html`<i>${i}</i>`)}</a>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] as string
  for (let i = 0; i < values.length; i++) {
    const before = strings[i] as string
    const value = toMarkup(values[i])
    out += before.endsWith('=') ? `"${value}"` : value
    out += strings[i + 1] as string
  }
  return new Html(out)
}

/**
 * True for {@link Html} (also from another copy of nanoweb).
 *
 * @example
 * isHtml(html`<b>x</b>`) // true
 */
export function isHtml(value: unknown): value is Html {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HTML_BRAND] === true
}

function toMarkup(value: unknown): string {
  if (isHtml(value)) return value.value
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) {
    let joined = ''
    for (const item of value) joined += toMarkup(item)
    return joined
  }
  return escapeHtml(String(value))
}
