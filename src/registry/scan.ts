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
 * Lists `<root>/services/**` service files without importing any. Files named `*.test.ts`,
 * `*.spec.ts` or `*.d.ts`, and folders or files starting with `_` or `.`, are not services.
 * A service file with an invalid name throws `NANO_E_BAD_DEFINITION` naming the file, or, when
 * `onInvalid` is given, is reported to it and skipped (development servers keep going).
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
    if (!entry.isFile() || !SERVICE_EXT.test(entry.name) || IGNORED.test(entry.name)) continue
    const file = join(entry.parentPath, entry.name)
    const rel = relative(dir, file)
    const segments = rel.split(sep)
    if (segments.some((s) => s.startsWith('_') || s.startsWith('.'))) continue
    try {
      found.push({ name: serviceName(rel, file), file })
    } catch (error) {
      if (onInvalid === undefined) throw error
      onInvalid(error as NanoError)
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * The service name for a path relative to `services/`, checked: lowercase letters, digits,
 * `-` and `_` in each segment, `/` between segments.
 *
 * @example
 * serviceName('weather/current.ts', '/app/services/weather/current.ts') // 'weather/current'
 */
export function serviceName(relativePath: string, file: string): string {
  const name = relativePath.replace(SERVICE_EXT, '').split(sep).join('/')
  if (!isValidServiceName(name)) {
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${file}: invalid service name '${name}'. Use lowercase letters, digits, '-' and '_' in each path segment (no uppercase, spaces or dots), e.g. services/weather/current.ts`,
    )
  }
  return name
}

/**
 * True for a well-formed service name such as `weather/current`.
 *
 * @example
 * isValidServiceName('Weather/Now') // false
 */
export function isValidServiceName(name: string): boolean {
  return name.split('/').every((segment) => SEGMENT.test(segment))
}
