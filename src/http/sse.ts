import type { LiveChange } from '../compose/live/index.ts'

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

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
 * The event of a live fragment change, as the browser script reads it: `event: fragment`, the
 * event id, and `{ id, html }` as JSON. The hub calls it once per change.
 *
 * @example
 * new LiveHub({ caller: rt, format: fragmentEvent })
 */
export function fragmentEvent(change: LiveChange, eventId: string): string {
  return `id: ${eventId}\nevent: fragment\ndata: ${toJson({ id: change.id, html: change.html })}\n\n`
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
