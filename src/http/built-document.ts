import { compress } from './compress.ts'
import { addVary } from './conditional.ts'
import type { Exchange, Reply } from './exchange.ts'
import { type Coding, preferredCoding } from './negotiate.ts'

interface Built {
  readonly version: number
  readonly body: Promise<string>
  readonly compressed: Map<Coding, Promise<Buffer>>
}

/**
 * A JSON document made from the runtime's catalog (`/_nano/catalog`, `/_nano/openapi.json`),
 * built once per change and kept with its brotli and gzip copies: `changes()` is the runtime's
 * change count (a reload, a cluster node joining or leaving); when it is undefined the document
 * is built on every request. A build that fails is not kept.
 *
 * @example
 * const openapi = new BuiltDocument(() => rt.changes?.(), async () => JSON.stringify(openApiDocument(await rt.catalog(), info)))
 * const reply = await openapi.reply(ex, headers)
 */
export class BuiltDocument {
  readonly #changes: () => number | undefined
  readonly #build: () => Promise<string>
  #built: Built | undefined

  constructor(changes: () => number | undefined, build: () => Promise<string>) {
    this.#changes = changes
    this.#build = build
  }

  /** The document as a JSON reply, compressed as the client accepts. */
  async reply(ex: Exchange, headers: Record<string, string>): Promise<Reply> {
    const built = this.#current()
    const body = await built.body
    headers['content-type'] = 'application/json; charset=utf-8'
    addVary(headers, 'Accept-Encoding')
    const coding = preferredCoding(ex.header('accept-encoding'))
    if (coding === undefined) return { status: 200, headers, body }
    let bytes = built.compressed.get(coding)
    if (bytes === undefined) {
      bytes = compress(body, coding, 'static')
      built.compressed.set(coding, bytes)
    }
    headers['content-encoding'] = coding
    return { status: 200, headers, body: await bytes }
  }

  #current(): Built {
    const version = this.#changes()
    const kept = this.#built
    if (kept !== undefined && version !== undefined && kept.version === version) return kept
    const built: Built = { version: version ?? -1, body: this.#build(), compressed: new Map() }
    if (version === undefined) return built
    this.#built = built
    built.body.catch(() => {
      if (this.#built === built) this.#built = undefined
    })
    return built
  }
}
