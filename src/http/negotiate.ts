/**
 * A content coding the gateway compresses with: brotli or gzip.
 *
 * @example
 * const coding: Coding = 'br'
 */
export type Coding = 'br' | 'gzip'

const chosen = new Map<string, Coding | undefined>()
const REMEMBERED = 64

/**
 * The coding to answer with for an `Accept-Encoding` header, or undefined for identity. q-values
 * count (`gzip;q=0` refuses gzip; a coding not listed takes the q of `*`, else 0); the higher q
 * wins and brotli wins a tie. A client that refuses everything, identity included, still gets
 * identity (the answer most clients can use). The last few headers are remembered: browsers send
 * the same one on every request.
 *
 * @example
 * preferredCoding('gzip, deflate, br, zstd') // 'br'
 * preferredCoding('br;q=0.5, gzip') // 'gzip'
 * preferredCoding(undefined) // undefined
 */
export function preferredCoding(header: string | undefined): Coding | undefined {
  if (header === undefined || header === '') return undefined
  if (chosen.has(header)) return chosen.get(header)
  const coding = negotiate(header)
  if (header.length > 200) return coding
  if (chosen.size >= REMEMBERED) chosen.clear()
  chosen.set(header, coding)
  return coding
}

function negotiate(header: string): Coding | undefined {
  let br: number | undefined
  let gzip: number | undefined
  let any: number | undefined
  for (const item of header.split(',')) {
    const semi = item.indexOf(';')
    const name = (semi === -1 ? item : item.slice(0, semi)).trim().toLowerCase()
    const q = semi === -1 ? 1 : qValue(item.slice(semi + 1))
    if (name === 'br') br = q
    else if (name === 'gzip' || name === 'x-gzip') gzip = q
    else if (name === '*') any = q
  }
  const brQ = br ?? any ?? 0
  const gzipQ = gzip ?? any ?? 0
  if (brQ <= 0 && gzipQ <= 0) return undefined
  return brQ >= gzipQ ? 'br' : 'gzip'
}

function qValue(params: string): number {
  for (const param of params.split(';')) {
    const eq = param.indexOf('=')
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== 'q') continue
    const q = Number(param.slice(eq + 1).trim())
    return Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0
  }
  return 1
}
