import { readFileSync } from 'node:fs'

/**
 * The parts of nanoweb's own package.json the CLI reads.
 *
 * @example
 * const m: OwnManifest = { version: '0.1.0', devDependencies: { zod: '^4.6.7' } }
 */
export interface OwnManifest {
  readonly version: string
  readonly dependencies?: Readonly<Record<string, string>>
  readonly devDependencies?: Readonly<Record<string, string>>
}

/**
 * nanoweb's own package.json (found from this file, not from the working directory or
 * `npm_package_version`, which name the app being served). Works from src/ and from dist/.
 *
 * @example
 * ownManifest().version // '0.1.0'
 */
export function ownManifest(): OwnManifest {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as OwnManifest
}

/**
 * nanoweb's own version, from its package.json.
 *
 * @example
 * ownVersion() // '0.1.0'
 */
export function ownVersion(): string {
  return ownManifest().version
}
