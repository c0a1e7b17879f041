import type { PageIndex } from '../compose/pages.ts'
import type { ByteSink, Exchange, MaybeReply } from './exchange.ts'

/**
 * Renders each page without route params once, as a `GET` with no query, cookies or other
 * headers, one page after the other, and waits for each whole page (deferred fragments
 * included); what it writes is dropped. The services those pages reach, here or on other nodes,
 * then run their first calls (code compiled, caches filled) before the first visitor comes.
 * Never rejects.
 *
 * @example
 * await renderStaticPages(app.pages, (ex) => app.handle(ex))
 */
export async function renderStaticPages(pages: PageIndex, handle: (ex: Exchange) => MaybeReply): Promise<number> {
  let rendered = 0
  for (const entry of pages.entries()) {
    if (entry.ready === undefined || /[:*]/.test(entry.route)) continue
    try {
      const reply = await handle(warmExchange(entry.route))
      if (reply.stream !== undefined) await drained(reply.stream)
      rendered += 1
    } catch {
      // a page that fails here answers its error when requested
    }
  }
  return rendered
}

/** The request a warm-up render answers: `GET <path>`, nothing else. */
function warmExchange(path: string): Exchange {
  return { method: 'GET', path, search: '', header: () => undefined, body: () => new Uint8Array(0) }
}

function drained(stream: (sink: ByteSink) => void): Promise<void> {
  return new Promise((resolve) => {
    stream({
      write: () => {},
      end: resolve,
      onClose: () => {},
      buffered: () => 0,
      drop: resolve,
    })
  })
}
