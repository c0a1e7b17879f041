import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AssetRegistry } from '../compose/assets.ts'
import { NanoError } from '../define/errors.ts'
import type { Reply } from './exchange.ts'

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Serves a fragment's declared CSS or JS at `/_nano/assets/<fragment>/<file>`: only files a
 * fragment named, nothing else.
 *
 * @example
 * await serveAsset(assets, '/_nano/assets/sport/score-box/score-box.css', headers)
 */
export async function serveAsset(assets: AssetRegistry, path: string, headers: Record<string, string>): Promise<Reply> {
  const asset = assets.lookup(path)
  if (asset === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No asset at ${path}`)
  return fileReply(asset.file, TYPES[extname(asset.file)] ?? 'application/octet-stream', headers)
}

/**
 * Serves a text file (CSS, JS, SVG, JSON) from `<root>/pages/_assets` at `/_assets/…`
 * (site-wide styles). A path that would leave the folder is not found.
 *
 * @example
 * await serveStatic('/app/pages/_assets', '/_assets/site.css', headers)
 */
export async function serveStatic(dir: string, path: string, headers: Record<string, string>): Promise<Reply> {
  let rel: string
  try {
    rel = normalize(decodeURIComponent(path.slice('/_assets/'.length)))
  } catch {
    throw new NanoError('NANO_E_BAD_REQUEST', `The path ${path} is not valid percent-encoding`)
  }
  const file = join(dir, rel)
  const type = TYPES[extname(file)]
  if (rel.startsWith('..') || !file.startsWith(dir + sep) || type === undefined) {
    throw new NanoError('NANO_E_NOT_FOUND', `No file at ${path}`)
  }
  return fileReply(file, type, headers)
}

async function fileReply(file: string, type: string, headers: Record<string, string>): Promise<Reply> {
  let body: string
  try {
    body = await readFile(file, 'utf8')
  } catch {
    throw new NanoError('NANO_E_NOT_FOUND', `No file at ${file.split(sep).slice(-2).join('/')}`)
  }
  headers['content-type'] = type
  headers['cache-control'] = 'public, max-age=300'
  return { status: 200, headers, body }
}
