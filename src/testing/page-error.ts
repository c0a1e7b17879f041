import { ERROR_STATUS, NanoError, type NanoErrorCode } from '../define/errors.ts'

/**
 * The error of a page (or route) that did not answer 2xx: the `NANO_E_*` code and message its
 * body carries (an HTML error page or a JSON error; `NANO_E_INTERNAL` when it carries none), with
 * the path and status in front.
 *
 * @example
 * errorOfPage('/nope', 404, '<h1>404</h1><p>No page at /nope</p><p><code>NANO_E_NOT_FOUND</code></p>').code // 'NANO_E_NOT_FOUND'
 */
export function errorOfPage(path: string, status: number, body: string): NanoError {
  const { code, message } = parseBody(body)
  return new NanoError(code, `GET ${path} answered ${status}: ${message}`)
}

function parseBody(body: string): { code: NanoErrorCode; message: string } {
  const json = parseJson(body)
  if (json !== undefined) {
    const error = NanoError.fromJSON(json)
    return { code: error.code, message: error.message }
  }
  const code = /<code>(NANO_E_[A-Z_]+)<\/code>/.exec(body)?.[1]
  const message = /<p>([^<]*)<\/p>/.exec(body)?.[1] ?? body.slice(0, 200)
  const known = code !== undefined && Object.hasOwn(ERROR_STATUS, code)
  return { code: known ? (code as NanoErrorCode) : 'NANO_E_INTERNAL', message }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}
