import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { NanoError } from '../define/errors.ts'

/**
 * A service file found on disk: its name (path without extension) and absolute path.
 *
 * @example
 * const f: ServiceFile = { name: 'weather/current', file: '/app/services/weather/current.ts' }
 */
export interface ServiceFile {
  readonly name: string
  readonly file: string
}

const SERVICE_EXT = /\.(ts|js|mts|mjs)$/
const IGNORED = /\.(test|spec)\.[mc]?[tj]s$|\.d\.[mc]?ts$/
const SEGMENT = /^[a-z0-9][a-z0-9_-]*$/

/**
 * Lists `<root>/services/**` service files without importing any. Which files are services is
 * {@link serviceNameOf}'s rule. A service file with an invalid name throws
 * `NANO_E_BAD_DEFINITION` naming the file, or, when `onInvalid` is given, is reported to it and
 * skipped (development servers keep going).
 *
 * @example
 * scanServices('/app') // [{ name: 'weather/current', file: '/app/services/weather/current.ts' }]
 */
export function scanServices(root: string, onInvalid?: (error: NanoError) => void): ServiceFile[] {
  const dir = join(root, 'services')
  let entries: import('node:fs').Dirent[]
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const found: ServiceFile[] = []
  for (const entry of entries) {
    if (!entry.isFile() || !SERVICE_EXT.test(entry.name)) continue
    const file = join(entry.parentPath, entry.name)
    const name = serviceNameOf(underDir(dir, entry.parentPath, entry.name) ?? relative(dir, file))
    if (name === undefined) continue
    if (isValidServiceName(name)) found.push({ name, file })
    else if (onInvalid === undefined) throw invalidName(name, relative(root, file))
    else onInvalid(invalidName(name, relative(root, file)))
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** `parent/name` relative to `dir` when `parent` is `dir` or a folder in it (as the recursive listing gives it): without `path.relative`, which costs ~10 µs a file. */
function underDir(dir: string, parent: string, name: string): string | undefined {
  if (parent === dir) return name
  return parent.startsWith(dir + sep) ? `${parent.slice(dir.length + 1)}${sep}${name}` : undefined
}

/**
 * The service name for a path relative to `services/` (either separator), or undefined when the
 * file is not a service: not `.ts`, `.js`, `.mts` or `.mjs`; a test, spec or `.d.ts` file; or
 * inside (or itself) a folder or file starting with `_` or `.`. The name is not checked: see
 * {@link isValidServiceName}.
 *
 * @example
 * serviceNameOf('weather/current.ts') // 'weather/current'
 * serviceNameOf('_lib/data.ts') // undefined
 * serviceNameOf('weather/current.test.ts') // undefined
 */
export function serviceNameOf(relativePath: string): string | undefined {
  const path = sep === '/' ? relativePath.replaceAll('\\', '/') : relativePath.split(sep).join('/')
  const base = path.slice(path.lastIndexOf('/') + 1)
  if (!SERVICE_EXT.test(base) || IGNORED.test(base)) return undefined
  if (HIDDEN.test(path)) return undefined
  return path.replace(SERVICE_EXT, '')
}

/** A path with an empty segment, or a segment starting with `_` or `.`. */
const HIDDEN = /(?:^|\/)(?:[_.]|\/|$)|^$/

/**
 * True for a well-formed service name such as `weather/current`: lowercase letters, digits, `-`
 * and `_` in each segment, `/` between segments.
 *
 * @example
 * isValidServiceName('Weather/Now') // false
 */
export function isValidServiceName(name: string): boolean {
  return name.split('/').every((segment) => SEGMENT.test(segment))
}

function invalidName(name: string, path: string): NanoError {
  return new NanoError(
    'NANO_E_BAD_DEFINITION',
    `${path.split(sep).join('/')}: invalid service name '${name}'. Use lowercase letters, digits, '-' and '_' in each path segment (no uppercase, spaces or dots), e.g. services/weather/current.ts`,
  )
}
