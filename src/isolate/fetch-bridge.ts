import { NanoError } from '../define/errors.ts'

const DEFAULT_PORT: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' }
const MAX_BODY_BYTES = 8 << 20

/**
 * The error a `fetch` to a host not in `allow.fetch` rejects with inside the service (named like
 * the web's permission error, and no `NanoError`: a service that lets it escape fails as its own
 * mistake, `NANO_E_SERVICE_FAILED`, not as the outside caller's).
 *
 * @example
 * throw new FetchRefused("'p/x' may not fetch evil.example:443: …")
 */
export class FetchRefused extends Error {
  override readonly name = 'NotAllowedError'
}

/**
 * Why an untrusted service may not fetch `url`, or undefined when it may: only `http:`/`https:`
 * to a host in `allow` (`host` allows the scheme's default port, `host:port` that port).
 *
 * @example
 * fetchRefusal('http://127.0.0.1:9/x', ['127.0.0.1:8080'], 'plugins/x') // "… 127.0.0.1:9 is not in allow.fetch …"
 */
export function fetchRefusal(url: string, allow: readonly string[], service: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return `'${service}' cannot fetch ${JSON.stringify(url)}: not an absolute URL`
  }
  if (DEFAULT_PORT[parsed.protocol] === undefined)
    return `'${service}' cannot fetch ${parsed.protocol} URLs: only http: and https:`
  const port = parsed.port === '' ? (DEFAULT_PORT[parsed.protocol] as string) : parsed.port
  const host = parsed.hostname.toLowerCase()
  const allowed = allow.some((entry) => {
    const [h, p] = splitHost(entry.toLowerCase())
    return h === host && (p === undefined ? port === DEFAULT_PORT[parsed.protocol] : p === port)
  })
  if (allowed) return undefined
  const list = allow.length === 0 ? 'it allows no hosts' : `it allows ${allow.join(', ')}`
  return `'${service}' may not fetch ${host}:${port}: add it to \`allow: { fetch: [...] }\` (${list})`
}

function splitHost(entry: string): [string, string | undefined] {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracket !== null) return [`[${bracket[1]}]`, bracket[2]]
  const colon = entry.lastIndexOf(':')
  return colon === -1 ? [entry, undefined] : [entry.slice(0, colon), entry.slice(colon + 1)]
}

/**
 * Performs a fetch for an untrusted service after checking the allow list: redirects are not
 * followed (a 3xx comes back with its `location`, so each hop is checked), the body is read as
 * text (at most 8 MB), and the call's signal aborts it. Answers JSON text for the isolate.
 *
 * @example
 * const text = await bridgedFetch('http://127.0.0.1:8080/x', '{}', { allow: ['127.0.0.1:8080'], service: 'p/x', signal })
 */
export async function bridgedFetch(
  url: string,
  initText: string,
  options: { readonly allow: readonly string[]; readonly service: string; readonly signal: AbortSignal },
): Promise<string> {
  const refused = fetchRefusal(url, options.allow, options.service)
  if (refused !== undefined) throw new FetchRefused(refused)
  const init = (initText === '' ? {} : JSON.parse(initText)) as {
    method?: string
    headers?: [string, string][]
    body?: string
  }
  const res = await fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    redirect: 'manual',
    signal: options.signal,
  })
  const length = Number(res.headers.get('content-length') ?? 0)
  if (length > MAX_BODY_BYTES) {
    await res.body?.cancel()
    throw new NanoError('NANO_E_LIMIT', `the response from ${new URL(url).host} is larger than 8 MB`)
  }
  const body = await res.text()
  if (body.length > MAX_BODY_BYTES)
    throw new NanoError('NANO_E_LIMIT', `the response from ${new URL(url).host} is larger than 8 MB`)
  return JSON.stringify({
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    headers: [...res.headers],
    body,
  })
}
