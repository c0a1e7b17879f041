import { lookup } from 'mrmime'

/** What mrmime (IANA types only) leaves out that browsers ask for. */
const GAPS: Readonly<Record<string, string>> = {
  ico: 'image/x-icon',
  eot: 'application/vnd.ms-fontobject',
}
const known = new Map<string, string>()

/**
 * The `Content-Type` of a file, from its extension: text types say `charset=utf-8`; an unknown
 * extension is `application/octet-stream`.
 *
 * @example
 * contentTypeOf('/app/public/favicon.ico') // 'image/x-icon'
 * contentTypeOf('site.webmanifest') // 'application/manifest+json'
 * contentTypeOf('app.3f9a1c2b.js') // 'text/javascript; charset=utf-8'
 */
export function contentTypeOf(file: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'))
  const dot = file.lastIndexOf('.')
  const ext = dot > slash + 1 ? file.slice(dot + 1).toLowerCase() : ''
  let type = known.get(ext)
  if (type === undefined) {
    const found = GAPS[ext] ?? (ext === '' ? undefined : lookup(ext))
    type =
      found === undefined ? 'application/octet-stream' : found.startsWith('text/') ? `${found}; charset=utf-8` : found
    if (known.size < 1000) known.set(ext, type)
  }
  return type
}

const COMPRESSIBLE =
  /^(?:text\/(?!event-stream)|[\w.-]+\/[\w.-]+\+(?:json|xml)\b|application\/(?:json|javascript|x-javascript|xml|wasm|vnd\.ms-fontobject)\b|image\/(?:x-icon|vnd\.microsoft\.icon|bmp)\b|font\/(?:ttf|otf)\b)/i

/**
 * True when a content type is worth compressing: text (not an event stream), JSON, JavaScript,
 * XML and SVG, WebAssembly, uncompressed fonts and icons. Never images, video, audio, woff and
 * woff2, archives: they are compressed already.
 *
 * @example
 * isCompressible('application/json; charset=utf-8') // true
 * isCompressible('font/woff2') // false
 */
export function isCompressible(type: string | undefined): boolean {
  return type !== undefined && COMPRESSIBLE.test(type)
}
