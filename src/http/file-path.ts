import { join, sep } from 'node:path'
import { NanoError } from '../define/errors.ts'

/**
 * The file under `dir` that a URL path (still percent-encoded, relative to where `dir` is
 * served) names, or undefined when it may not be served: a `.` or `..` segment (encoded or
 * not), an empty segment (`//`, a trailing `/`: directories are never listed), a backslash or a
 * NUL, a dotfile or dot-folder (except `.well-known/`, RFC 8615). Throws `NANO_E_BAD_REQUEST`
 * for invalid percent-encoding.
 *
 * @example
 * fileUnder('/app/public', 'img/logo.svg') // '/app/public/img/logo.svg'
 * fileUnder('/app/public', '..%2Fsecret') // undefined
 * fileUnder('/app/public', '.env') // undefined
 */
export function fileUnder(dir: string, urlPath: string): string | undefined {
  let path: string
  try {
    path = urlPath.includes('%') ? decodeURIComponent(urlPath) : urlPath
  } catch {
    throw new NanoError('NANO_E_BAD_REQUEST', `The path ${urlPath} is not valid percent-encoding`)
  }
  if (path === '' || path.includes('\\') || path.includes('\0')) return undefined
  const segments = path.split('/')
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string
    if (segment === '') return undefined
    if (segment.startsWith('.') && !(i === 0 && segment === '.well-known' && segments.length > 1)) return undefined
  }
  const file = join(dir, ...segments)
  return file.startsWith(dir + sep) ? file : undefined
}

const HASH_SEGMENT = /^[0-9a-f]{8,}$/i

/**
 * True when a file name carries a content hash (a segment of 8 or more hex digits between the
 * name and the extension, as bundlers write them: `app.3f9a1c2b.js`, `chunk-0a1b2c3d4e.css`):
 * such a file never changes, so it may be cached for good.
 *
 * @example
 * isHashedName('/app/public/app.3f9a1c2b.js') // true
 * isHashedName('/app/public/app.js') // false
 */
export function isHashedName(file: string): boolean {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf(sep)) + 1)
  const parts = name.split(/[.\-_]/)
  for (let i = 1; i < parts.length - 1; i++) if (HASH_SEGMENT.test(parts[i] as string)) return true
  return false
}

/**
 * The `Cache-Control` of a served file: a year and `immutable` for a hashed name (its URL
 * changes when it does), else `max-age=0, must-revalidate`: the browser keeps the file but asks
 * each time, and the ETag makes the answer a bodiless 304 unless it changed. A short max-age
 * instead would save that round trip at the price of a page and its stylesheet disagreeing for
 * that long after a deploy.
 *
 * @example
 * fileCacheControl('/app/public/robots.txt') // 'public, max-age=0, must-revalidate'
 */
export function fileCacheControl(file: string): string {
  return isHashedName(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate'
}
