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
 * sink.write(out.bytes())
 */
export class PageBytes {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  /** Bytes so far. */
  get length(): number {
    return this.#length
  }

  /** Appends bytes as they are. */
  push(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return
    this.#chunks.push(bytes)
    this.#length += bytes.byteLength
  }

  /** Appends text, encoded as UTF-8. */
  text(text: string): void {
    if (text !== '') this.push(Buffer.from(text, 'utf8'))
  }

  /** Appends a template, its fixed pieces encoded once ({@link encodeTemplate}), its holes filled with `vars`. */
  template(pieces: readonly TemplatePiece[], vars: PageVars): void {
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) this.push(piece)
      else this.text(fill([piece], vars, true))
    }
  }

  /**
   * Everything appended, as one buffer: the start of what `allocate` gives (a pooled buffer, say),
   * or a fresh one (no copy when there is a single chunk).
   */
  bytes(allocate: (size: number) => Uint8Array = Buffer.allocUnsafe): Uint8Array {
    const chunks = this.#chunks
    if (chunks.length === 1 && allocate === Buffer.allocUnsafe) return chunks[0] as Uint8Array
    const out = allocate(this.#length).subarray(0, this.#length)
    let at = 0
    for (const chunk of chunks) {
      out.set(chunk, at)
      at += chunk.byteLength
    }
    return out
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
 * The UTF-8 bytes of markup that is often the same string as last time (a fragment answered from
 * the cache): the last string and its bytes are kept, so a repeat costs a comparison.
 *
 * @example
 * const memo = new MarkupBytes()
 * out.push(memo.of(html))
 */
export class MarkupBytes {
  #last: string | undefined
  #bytes: Uint8Array = new Uint8Array(0)

  /** The bytes of `markup`. */
  of(markup: string): Uint8Array {
    if (markup !== this.#last) {
      this.#bytes = Buffer.from(markup, 'utf8')
      this.#last = markup
    }
    return this.#bytes
  }
}
