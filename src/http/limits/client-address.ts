import { isIP } from 'node:net'
import type { Exchange } from '../exchange.ts'

/**
 * Which proxies in front of the server are trusted to say who the client is in
 * `X-Forwarded-For`:
 * - `false` (the default): none; the client is the socket's peer;
 * - `true`: every one; the client is the leftmost address of the header (use only when the
 *   proxy in front overwrites the header, never appends to what the client sent);
 * - a number `n`: there are exactly `n` proxies in front; the client is the `n`-th address
 *   from the right of the header (`1`: the address the one proxy saw);
 * - a list of proxy addresses: walking the header from the right, the first address that is
 *   not one of them (so only a trusted peer's header is read at all).
 *
 * @example
 * const trust: TrustProxy = ['10.0.0.5', '10.0.0.6']
 */
export type TrustProxy = boolean | number | readonly string[]

/**
 * The client's address for a request: the socket's peer, or, with {@link TrustProxy}, the
 * address the trusted proxies put in `X-Forwarded-For`. IPv4-mapped IPv6 addresses are given as
 * IPv4. `'unknown'` when the server does not know the peer (the `fetch` entry) and no trusted
 * header says.
 *
 * @example
 * clientAddress(ex, 1) // '203.0.113.9' for 'x-forwarded-for: 203.0.113.9' from the proxy
 */
export function clientAddress(ex: Exchange, trust: TrustProxy): string {
  const peer = plain(ex.remote ?? 'unknown')
  if (trust === false || trust === 0) return peer
  const header = ex.header('x-forwarded-for')
  if (header === undefined) return peer
  const hops = header
    .split(',')
    .map((part) => plain(part.trim()))
    .filter((part) => isIP(part) !== 0)
  if (hops.length === 0) return peer
  if (trust === true) return hops[0] as string
  if (typeof trust === 'number') return hops[Math.max(0, hops.length - trust)] as string
  const proxies = new Set(trust.map(plain))
  if (!proxies.has(peer)) return peer
  for (let i = hops.length - 1; i >= 0; i--) if (!proxies.has(hops[i] as string)) return hops[i] as string
  return hops[0] as string
}

/**
 * The rate-limit key of an address: an IPv4 address as is, an IPv6 address by its /64 network
 * (one subscriber usually holds a whole /64, and could otherwise take a fresh address for every
 * request).
 *
 * @example
 * addressKey('2001:db8:1:2:aa::1') // '2001:db8:1:2::/64'
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address
  const [head = '', tail = ''] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : []
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`
}

function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}
