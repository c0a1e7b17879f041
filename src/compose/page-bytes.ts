import { escapeHtml } from '../define/html.ts'
import { fill, type PageVars, type Template } from './interpolate.ts'

/**
 * The bytes of a page being written, as a list of chunks: fixed template text is encoded once
 * per template and reused by every render; only holes, and markup a render has not seen before,
 * are encoded per request. `bytes()` joins them in one copy.
 *
 * @example
 * const out = new PageBytes()
 * out.template(part.text, vars)
 * out.text(html)
 * if (!out.empty) sink.write(out.bytes())
 */
export class PageBytes {
  readonly #chunks: Uint8Array[] = []
  #length = 0
  /** Text appended since the last bytes, encoded in one go when bytes come or the page is joined. */
  #pending = ''

  /** True when nothing was appended. */
  get empty(): boolean {
    return this.#length === 0 && this.#pending === ''
  }

  /** Appends bytes as they are. */
  push(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return
    this.#encodePending()
    this.#chunks.push(bytes)
    this.#length += bytes.byteLength
  }

  /** Appends text (runs of text are encoded as UTF-8 together). */
  text(text: string): void {
    this.#pending += text
  }

  #encodePending(): void {
    if (this.#pending === '') return
    const bytes = Buffer.from(this.#pending, 'utf8')
    this.#pending = ''
    this.#chunks.push(bytes)
    this.#length += bytes.byteLength
  }

  /** Appends a template, its fixed pieces encoded once ({@link encodeTemplate}), its holes filled with `vars`. */
  template(pieces: readonly TemplatePiece[], vars: PageVars): void {
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) this.push(piece)
      else this.text(fill([piece], vars, true))
    }
  }

  /** Everything appended, as one buffer (no copy when there is a single chunk). */
  bytes(): Uint8Array {
    const chunks = this.parts()
    if (chunks.length === 1) return chunks[0] as Uint8Array
    return Buffer.concat(chunks, this.#length)
  }

  /** Everything appended, as the pieces it was appended in (each byte array as given, text encoded). */
  parts(): readonly Uint8Array[] {
    this.#encodePending()
    return this.#chunks
  }
}

/**
 * A piece of a template ready to write: fixed text as bytes, or a hole to fill per render.
 *
 * @example
 * const pieces: TemplatePiece[] = encodeTemplate('<p>hi</p>')
 */
export type TemplatePiece = Uint8Array | Exclude<Template, string>[number]

/**
 * A template's pieces with its fixed text encoded as UTF-8, once (when the page is linked).
 *
 * @example
 * encodeTemplate(['<p>', { from: 'query', path: ['q'], fallback: undefined }, '</p>']) // [bytes, hole, bytes]
 */
export function encodeTemplate(template: Template): TemplatePiece[] {
  if (typeof template === 'string') return [Buffer.from(template, 'utf8')]
  return template.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece))
}

/**
 * Appends a slot's markup, which is often the same string as last time (a fragment answered from
 * the cache): once the same markup (and live id) is seen twice running, its bytes are kept and a
 * repeat costs a comparison of the string's identity; markup that changes every time (an
 * uncached fragment) is appended as text. A live slot's markup is wrapped in the element that
 * names its live id ({@link liveWrapped}).
 *
 * @example
 * const memo = new MarkupBytes()
 * memo.append(out, html, undefined)
 */
export class MarkupBytes {
  #last: string | undefined
  #liveId: string | undefined
  #bytes: Uint8Array | undefined

  /** Appends `markup` (wrapped for `liveId` when there is one) to `out`. */
  append(out: PageBytes, markup: string, liveId: string | undefined): void {
    if (markup !== this.#last || liveId !== this.#liveId) {
      this.#last = markup
      this.#liveId = liveId
      this.#bytes = undefined
      out.text(liveId === undefined ? markup : liveWrapped(markup, liveId))
      return
    }
    this.#bytes ??= Buffer.from(liveId === undefined ? markup : liveWrapped(markup, liveId), 'utf8')
    out.push(this.#bytes)
  }
}

/**
 * A live slot's markup inside the element the live script finds it by.
 *
 * @example
 * liveWrapped('<p>1–0</p>', 'f1') // '<div data-nano-live="f1" style="display:contents"><p>1–0</p></div>'
 */
export function liveWrapped(markup: string, liveId: string): string {
  return `<div data-nano-live="${escapeHtml(liveId)}" style="display:contents">${markup}</div>`
}
