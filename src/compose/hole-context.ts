import { Parser } from 'htmlparser2'
import { NanoError } from '../define/errors.ts'
import {
  type AttributeHoles,
  type Hole,
  holeOffsets,
  NONCE,
  type NonceMark,
  parseTemplate,
  type Template,
} from './interpolate.ts'

/** Attributes whose value is a URL: a hole there may not bring its own scheme. */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'poster',
  'cite',
  'background',
  'data',
  'codebase',
  'longdesc',
  'manifest',
  'ping',
  'usemap',
  'icon',
  'lowsrc',
  'dynsrc',
  'archive',
  'classid',
  'profile',
])
const LIST_ATTRIBUTES = new Set(['srcset', 'imagesrcset'])
/** Elements whose content is code: escaping for HTML does not make a value safe there. */
const CODE_ELEMENTS = new Set(['script', 'style'])
const HAS_CODE = /<(?:script|style)/i
type Part = string | Hole | AttributeHoles | NonceMark

interface AttributeSpan {
  /** The attribute's name, or '' for where a `nonce` attribute goes. */
  readonly name: string
  /** The value's offsets in the source, quotes excluded. */
  readonly start: number
  readonly end: number
  readonly quoted: boolean
  readonly decoded: string
}

type Span = readonly [start: number, end: number, what: string]

/**
 * Where each `{query.x}`, `{params.x}` or `{data.x}` hole of a page sits in its HTML, found with
 * the tokenizer pages are parsed with (htmlparser2), and the page text as templates that write
 * each hole for its context: HTML text (escaped), a quoted attribute (escaped), an unquoted one
 * (quoted, then escaped), a URL attribute (`javascript:`, `vbscript:`, `data:` refused at
 * render). A hole inside `<script>` or `<style>`, in an event handler (`on…`), `style` or
 * `srcdoc` attribute, or inside a tag but outside any value, has no safe way to be written: it
 * throws `NANO_E_BAD_DEFINITION` naming the file and line. The page's own `<script>` and
 * `<style>` elements get the response's CSP nonce ({@link NONCE}).
 *
 * @example
 * const contexts = new HoleContexts(source, 'pages/search.html')
 * const text = contexts.template(0, source.length)
 */
export class HoleContexts {
  readonly #source: string
  readonly #file: string
  readonly #attributes: AttributeSpan[] = []
  readonly #tags: Span[] = []
  readonly #code: Span[] = []
  #next = 0

  constructor(source: string, file: string) {
    this.#source = source
    this.#file = file
    if (HAS_CODE.test(source) || holeOffsets(source).length > 0) this.#scan()
  }

  /** The template of the source text from `from` to `to`; calls must come in document order. */
  template(from: number, to: number): Template {
    const text = this.#source.slice(from, to)
    const plain = parseTemplate(text)
    while ((this.#attributes[this.#next]?.start ?? to) < from) this.#next += 1
    if (typeof plain === 'string' && (this.#attributes[this.#next]?.start ?? to) >= to) return plain
    const parts: Part[] = []
    let at = from
    while (this.#next < this.#attributes.length) {
      const span = this.#attributes[this.#next] as AttributeSpan
      if (span.start >= to) break
      this.#next += 1
      if (span.name === '') {
        this.#pushText(parts, at, span.start)
        parts.push(NONCE)
        at = span.start
        continue
      }
      const value = parseTemplate(this.#source.slice(span.start, span.end))
      if (typeof value === 'string') continue
      this.#pushText(parts, at, span.start)
      parts.push(this.#attribute(span, value))
      at = span.end
    }
    this.#pushText(parts, at, to)
    return parts
  }

  #pushText(parts: Part[], from: number, to: number): void {
    if (to <= from) return
    const text = this.#source.slice(from, to)
    for (const offset of holeOffsets(text)) this.#checkText(from + offset)
    const template = parseTemplate(text)
    if (typeof template === 'string') parts.push(template)
    else parts.push(...(template as (string | Hole)[]))
  }

  #checkText(offset: number): void {
    const code = this.#code.find(([start, end]) => offset >= start && offset < end)
    if (code !== undefined) this.#refuse(offset, `inside <${code[2]}>, where escaping cannot make a value safe`)
    const tag = this.#tags.find(([start, end]) => offset > start && offset < end)
    if (tag !== undefined) this.#refuse(offset, `inside the <${tag[2]}> tag but not in an attribute value`)
  }

  #attribute(span: AttributeSpan, value: readonly (string | Hole)[]): AttributeHoles {
    const name = span.name
    if (name.startsWith('on') || name === 'style' || name === 'srcdoc') {
      this.#refuse(
        span.start + (holeOffsets(this.#source.slice(span.start, span.end))[0] ?? 0),
        `in the ${name} attribute, whose value is code or markup`,
      )
    }
    const kind = URL_ATTRIBUTES.has(name) ? 'url' : LIST_ATTRIBUTES.has(name) ? 'srcset' : undefined
    const decoded = parseTemplate(span.decoded)
    return {
      attribute: name,
      value: span.quoted
        ? value
        : value.map((part) => (typeof part === 'string' ? part.replaceAll('"', '&quot;') : part)),
      decoded: typeof decoded === 'string' ? [decoded] : (decoded as (string | Hole)[]),
      quote: !span.quoted,
      url: kind,
    }
  }

  #refuse(offset: number, where: string): never {
    const line = this.#source.slice(0, offset).split('\n').length
    const hole = /^\{[^{}]*\}/.exec(this.#source.slice(offset))?.[0] ?? 'hole'
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${this.#file}:${line}: the hole ${hole} is ${where}. Put the value in HTML text or a quoted attribute (e.g. data-value="${hole}") and read it from there`,
    )
  }

  #scan(): void {
    const source = this.#source
    let codeFrom = -1
    const parser = new Parser(
      {
        onattribute: (name, decoded, quote) => {
          const raw = source.slice(parser.startIndex, parser.endIndex)
          const head = /^[^\s=]+\s*=\s*["']?/.exec(raw)
          if (head === null || quote === undefined) return
          const start = parser.startIndex + head[0].length
          const end = quote === null ? parser.endIndex : parser.endIndex - 1
          this.#attributes.push({ name, start, end: Math.max(start, end), quoted: quote !== null, decoded })
        },
        onopentag: (name, attributes) => {
          const start = parser.startIndex
          this.#tags.push([start, parser.endIndex, name])
          if (!CODE_ELEMENTS.has(name)) return
          codeFrom = parser.endIndex + 1
          const at = start + 1 + name.length
          if (attributes.nonce === undefined) {
            this.#attributes.push({ name: '', start: at, end: at, quoted: true, decoded: '' })
          }
        },
        onclosetag: (name, implied) => {
          if (!CODE_ELEMENTS.has(name) || codeFrom < 0) return
          this.#code.push([codeFrom, implied ? source.length : parser.startIndex, name])
          codeFrom = -1
        },
      },
      { lowerCaseAttributeNames: true, decodeEntities: true, recognizeSelfClosing: true },
    )
    parser.write(source)
    parser.end()
    this.#attributes.sort((a, b) => a.start - b.start)
  }
}
