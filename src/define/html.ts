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
 * unquoted attribute value such as `href=${url}` is quoted), unless it is itself `Html` (nested
 * `html` or `raw()`), so nested templates compose without double escaping. Arrays are joined;
 * `null`, `undefined` and `false` write nothing. An `=` in text is text: `limit=${5}` outside a
 * tag writes `limit=5`.
 *
 * URLs are escaped but not checked: `href=${'javascript:alert(1)'}` is written as given, so check
 * URLs that come from users yourself (for example, allow only `https:`).
 *
 * Each template is scanned once (the result is cached per template strings array); later calls
 * only escape and join.
 *
 * @example
 * html`<a href=${url} title="${title}">${items.map((i) => html`<i>${i}</i>`)}</a>`
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const statics = PREPARED.get(strings) ?? prepare(strings)
  let out = statics[0] as string
  for (let i = 0; i < values.length; i++) out += toMarkup(values[i]) + (statics[i + 1] as string)
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

const PREPARED = new WeakMap<TemplateStringsArray, readonly string[]>()

function prepare(strings: TemplateStringsArray): readonly string[] {
  const statics = quoteUnquotedValues(strings)
  PREPARED.set(strings, statics)
  return statics
}

type ScanState = 'text' | 'tag-name' | 'tag' | 'before-value' | 'unquoted' | 'double' | 'single' | 'comment' | 'raw'

/** Elements whose content is text to the HTML tokenizer: a `<` inside them starts no tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title'])
const SPACE = /[\t\n\f\r ]/
const LETTER = /[A-Za-z]/

/**
 * The static parts of a template with quotes added around every unquoted attribute value that
 * holds an interpolation (`<a href=${url}>` becomes `<a href="${url}">`). Only places inside a
 * tag count: an `=` in text, a comment or a `<script>` is left alone.
 */
function quoteUnquotedValues(strings: readonly string[]): readonly string[] {
  const scanner = new TagScanner()
  for (let part = 0; part < strings.length; part++) {
    const text = strings[part] as string
    for (let i = 0; i < text.length; i++) i = scanner.step(text, i, part)
    if (part < strings.length - 1) scanner.interpolation(part, text.length)
    else scanner.end(part, text.length)
  }
  const out = [...strings]
  for (let q = scanner.quotes.length - 1; q >= 0; q--) {
    const [part, at] = scanner.quotes[q] as Position
    const text = out[part] as string
    out[part] = `${text.slice(0, at)}"${text.slice(at)}`
  }
  return out
}

type Position = readonly [part: number, at: number]

/** A small HTML tokenizer that knows just enough to tell text from attribute values. */
class TagScanner {
  /** Where a `"` must be inserted, in document order. */
  readonly quotes: Position[] = []
  #state: ScanState = 'text'
  #name = ''
  #closing = false
  #valueStart: Position = [0, 0]
  #interpolated = false

  /** Reads `text[i]` and returns the index of the last character it consumed. */
  step(text: string, i: number, part: number): number {
    const c = text[i] as string
    switch (this.#state) {
      case 'text':
        return c === '<' ? this.#open(text, i) : i
      case 'tag-name':
        if (c === '>') this.#endTag()
        else if (SPACE.test(c) || c === '/') this.#state = 'tag'
        else this.#name += c.toLowerCase()
        return i
      case 'tag':
        if (c === '>') this.#endTag()
        else if (c === '=') this.#state = 'before-value'
        return i
      case 'before-value':
        if (c === '"') this.#state = 'double'
        else if (c === "'") this.#state = 'single'
        else if (c === '>') this.#endTag()
        else if (!SPACE.test(c)) {
          this.#state = 'unquoted'
          this.#valueStart = [part, i]
        }
        return i
      case 'unquoted':
        if (SPACE.test(c) || c === '>' || (c === '/' && this.#interpolated && text[i + 1] === '>')) {
          this.#endValue(part, i)
          if (c === '>') this.#endTag()
          else this.#state = 'tag'
        }
        return i
      case 'double':
      case 'single':
        if (c === (this.#state === 'double' ? '"' : "'")) this.#state = 'tag'
        return i
      case 'comment':
        if (!text.startsWith('-->', i)) return i
        this.#state = 'text'
        return i + 2
      case 'raw':
        if (c !== '<' || text.slice(i + 1, i + 2 + this.#name.length).toLowerCase() !== `/${this.#name}`) return i
        this.#closing = true
        this.#state = 'tag'
        return i + 1 + this.#name.length
    }
  }

  /** An interpolation follows the static part `part` (of length `at`). */
  interpolation(part: number, at: number): void {
    if (this.#state === 'before-value') {
      this.#state = 'unquoted'
      this.#valueStart = [part, at]
      this.#interpolated = true
    } else if (this.#state === 'unquoted') this.#interpolated = true
  }

  /** The template ends (inside an unquoted value only when it is cut short). */
  end(part: number, at: number): void {
    if (this.#state === 'unquoted') this.#endValue(part, at)
  }

  #open(text: string, i: number): number {
    const next = text[i + 1] ?? ''
    if (text.startsWith('!--', i + 1)) {
      this.#state = 'comment'
      return i + 3
    }
    if (LETTER.test(next) || (next === '/' && LETTER.test(text[i + 2] ?? ''))) {
      this.#closing = next === '/'
      this.#name = ''
      this.#state = 'tag-name'
      return this.#closing ? i + 1 : i
    }
    if (next === '!' || next === '?') {
      this.#closing = true
      this.#state = 'tag'
    }
    return i
  }

  #endTag(): void {
    this.#state = !this.#closing && RAW_TEXT.has(this.#name) ? 'raw' : 'text'
  }

  #endValue(part: number, at: number): void {
    if (this.#interpolated) this.quotes.push(this.#valueStart, [part, at])
    this.#interpolated = false
  }
}
