import type { LiveChange } from '../compose/live/index.ts'

/**
 * The first bytes of every event stream: reconnect 2 s after a drop.
 *
 * @example
 * sink.write(SSE_RETRY)
 */
export const SSE_RETRY = 'retry: 2000\n\n'

/**
 * A comment line: keeps proxies from closing an idle stream; clients ignore it.
 *
 * @example
 * for (const sink of open) sink.write(SSE_HEARTBEAT)
 */
export const SSE_HEARTBEAT = ': ping\n\n'

/**
 * One Server-Sent Event, framed: optional `id` and `event` lines, the data (one `data:` line
 * per line of it) and the blank line that ends it.
 *
 * @example
 * sseEvent({ id: 'a1-3', event: 'fragment', data: '{"id":"x","html":"<b>1</b>"}' })
 * // 'id: a1-3\nevent: fragment\ndata: {"id":"x","html":"<b>1</b>"}\n\n'
 */
export function sseEvent(event: { readonly id?: string; readonly event?: string; readonly data: string }): string {
  const id = event.id === undefined ? '' : `id: ${oneLine(event.id)}\n`
  const type = event.event === undefined ? '' : `event: ${oneLine(event.event)}\n`
  return `${id}${type}data: ${event.data.split(/\r\n|\r|\n/).join('\ndata: ')}\n\n`
}

/**
 * The event of a live fragment change, as the browser script reads it: `event: fragment`, the
 * event id, and `{ id, html }` as JSON. The hub calls it once per change.
 *
 * @example
 * new LiveHub({ caller: rt, format: fragmentEvent })
 */
export function fragmentEvent(change: LiveChange, eventId: string): string {
  return `id: ${eventId}\nevent: fragment\ndata: ${JSON.stringify({ id: change.id, html: change.html })}\n\n`
}

/**
 * Sets the headers of an event stream: its type, no caching, no proxy buffering.
 *
 * @example
 * return { status: 200, headers: streamHeaders(headers), body: '', stream }
 */
export function streamHeaders(headers: Record<string, string>): Record<string, string> {
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-store'
  headers['x-accel-buffering'] = 'no'
  return headers
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, '')
}
