import type { PageIndex } from '../compose/pages.ts'
import type { ByteSink, Exchange, MaybeReply } from './exchange.ts'

/**
 * Renders each page without route params once, as a `GET` with no query, cookies or other
 * headers, one page after the other, and waits for each whole page (deferred fragments
 * included) for at most `limitMs`, after which that render is abandoned (its fragments'
 * `ctx.signal` aborts); what it writes is dropped. The services those pages reach, here or on
 * other nodes, then run their first calls (code compiled, caches filled) before the first
 * visitor comes. Resolves with the number of pages rendered whole; never rejects.
 *
 * @example
 * await renderStaticPages(app.pages, (ex) => app.handle(ex), 10_000)
 */
export async function renderStaticPages(
  pages: Pick<PageIndex, 'entries'>,
  handle: (ex: Exchange) => MaybeReply,
  limitMs: number,
): Promise<number> {
  let rendered = 0
  for (const entry of pages.entries()) {
    if (entry.ready === undefined || /[:*]/.test(entry.route)) continue
    if (await renderWhole(handle, entry.route, limitMs)) rendered += 1
  }
  return rendered
}

/** True once the page at `path` was written to its end within `limitMs`; false when abandoned or failed. */
async function renderWhole(handle: (ex: Exchange) => MaybeReply, path: string, limitMs: number): Promise<boolean> {
  const closers: (() => void)[] = []
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      for (const close of closers) close()
      resolve(false)
    }, limitMs)
    timer.unref()
  })
  const whole = (async (): Promise<boolean> => {
    const reply = await handle(warmExchange(path))
    if (reply.stream !== undefined) await drained(reply.stream, closers)
    return true
  })().catch(() => false)
  try {
    return await Promise.race([whole, late])
  } finally {
    clearTimeout(timer)
  }
}

/** The request a warm-up render answers: `GET <path>`, nothing else. */
function warmExchange(path: string): Exchange {
  return { method: 'GET', path, search: '', header: () => undefined, body: () => new Uint8Array(0) }
}

/** Runs a streamed reply into nothing; resolves when it ends. `closers` get its close listeners. */
function drained(stream: (sink: ByteSink) => void, closers: (() => void)[]): Promise<void> {
  return new Promise((resolve) => {
    stream({
      write: () => {},
      end: resolve,
      onClose: (listener) => closers.push(listener),
      buffered: () => 0,
      drop: resolve,
    })
  })
}
