/**
 * HTTP/1.1 responses as bytes off a socket, for the fuzz's clients: framed by content-length, by
 * chunks, or (without either) by the end of the connection.
 */

/**
 * One response parsed off the socket.
 *
 * @example
 * const response: RawResponse = { status: 404, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }
 */
export interface RawResponse {
  readonly status: number
  /** Lower-case names; repeated headers joined with ', '. */
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/**
 * A complete response, the bytes it took, and whether it closes the connection.
 *
 * @example
 * const { response, consumed, close } = parseResponse(bytes, false, false) as Parsed
 */
export interface Parsed {
  readonly response: RawResponse
  readonly consumed: number
  readonly close: boolean
}

const EMPTY = Buffer.alloc(0)

/**
 * The first complete response in `bytes` (interim 1xx responses skipped), or undefined while it
 * is incomplete. A response framed by neither content-length nor chunks is complete once the
 * connection is `closed`. A status line that is not HTTP gives status 0.
 *
 * @example
 * parseResponse(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), false, false)?.response.status // 204
 */
export function parseResponse(bytes: Buffer, head: boolean, closed: boolean): Parsed | undefined {
  let at = 0
  for (;;) {
    const split = bytes.indexOf('\r\n\r\n', at)
    if (split === -1) return undefined
    const lines = bytes.subarray(at, split).toString('latin1').split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0)
    const headers: Record<string, string> = {}
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    const start = split + 4
    if (status >= 100 && status < 200) {
      at = start
      continue
    }
    const close = /\bclose\b/i.test(headers.connection ?? '')
    const done = (body: Buffer, end: number): Parsed => ({ response: { status, headers, body }, consumed: end, close })
    if (head || status === 204 || status === 304) return done(EMPTY, start)
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks = dechunk(bytes, start)
      return chunks === undefined ? undefined : done(chunks.body, chunks.end)
    }
    const length = headers['content-length']
    if (length !== undefined) {
      const n = Number(length)
      return bytes.length < start + n ? undefined : done(bytes.subarray(start, start + n), start + n)
    }
    return closed ? done(bytes.subarray(start), bytes.length) : undefined
  }
}

function dechunk(bytes: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const chunks: Buffer[] = []
  let at = from
  for (;;) {
    const eol = bytes.indexOf('\r\n', at)
    if (eol === -1) return undefined
    const size = Number.parseInt(bytes.subarray(at, eol).toString('latin1'), 16)
    if (Number.isNaN(size)) return { body: Buffer.concat(chunks), end: bytes.length }
    if (size === 0) {
      const end = bytes.subarray(eol + 2, eol + 4).toString() === '\r\n' ? eol + 4 : bytes.indexOf('\r\n\r\n', eol) + 4
      return end < 4 ? undefined : { body: Buffer.concat(chunks), end }
    }
    if (bytes.length < eol + 2 + size + 2) return undefined
    chunks.push(bytes.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
}

/**
 * Every complete response at the start of `bytes`, in order.
 *
 * @example
 * parseResponses(Buffer.from('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'), false, true).length // 1
 */
export function parseResponses(bytes: Buffer, head: boolean, closed: boolean): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = bytes
  while (rest.length > 0) {
    const parsed = parseResponse(rest, head, closed)
    if (parsed === undefined) break
    responses.push(parsed.response)
    rest = rest.subarray(parsed.consumed)
  }
  return responses
}
