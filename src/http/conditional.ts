import type { Exchange, Reply } from './exchange.ts'

/**
 * True when the client's copy is still good, so a `GET`/`HEAD` may answer `304`: its
 * `If-None-Match` names `etag` (weak comparison: `W/"x"` matches `"x"`; `*` matches anything),
 * or, only when it sent no `If-None-Match`, its `If-Modified-Since` is not before
 * `lastModified` (ms since the epoch; HTTP dates count whole seconds).
 *
 * @example
 * if (isFresh(ex, '"5f-18c"', stats.mtimeMs)) return notModified(reply)
 */
export function isFresh(ex: Exchange, etag: string, lastModified?: number): boolean {
  const match = ex.header('if-none-match')
  if (match !== undefined) return etagListMatches(match, etag)
  if (lastModified === undefined) return false
  const since = ex.header('if-modified-since')
  if (since === undefined) return false
  const time = Date.parse(since)
  return !Number.isNaN(time) && Math.floor(lastModified / 1000) * 1000 <= time
}

function etagListMatches(list: string, etag: string): boolean {
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag
  for (const item of list.split(',')) {
    const tag = item.trim()
    if (tag === '*' || tag === opaque || (tag.startsWith('W/') && tag.slice(2) === opaque)) return true
  }
  return false
}

/**
 * The weak form of an entity tag: what an ETag becomes when the body is compressed (the bytes
 * differ, the content does not), as nginx does. A weak tag stays as it is.
 *
 * @example
 * weaken('"abc"') // 'W/"abc"'
 */
export function weaken(etag: string): string {
  return etag.startsWith('W/') ? etag : `W/${etag}`
}

/**
 * Turns a reply into a `304 Not Modified`: same validators and caching headers, no body and none
 * of the body's own headers (type, length, encoding).
 *
 * @example
 * return notModified({ status: 200, headers, body })
 */
export function notModified(reply: Reply): Reply {
  const headers = reply.headers
  delete headers['content-type']
  delete headers['content-length']
  delete headers['content-encoding']
  reply.status = 304
  reply.body = ''
  reply.parts = undefined
  reply.stream = undefined
  reply.file = undefined
  return reply
}

/**
 * Adds a field name to a reply's `Vary` header, once.
 *
 * @example
 * addVary(headers, 'Accept-Encoding')
 */
export function addVary(headers: Record<string, string>, name: string): void {
  const vary = headers.vary
  if (vary === undefined || vary === '') headers.vary = name
  else if (
    !vary
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes(name.toLowerCase())
  )
    headers.vary = `${vary}, ${name}`
}
