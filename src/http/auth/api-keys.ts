import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { User } from '../../define/policy.ts'

/**
 * Finds the user of an API key, or undefined for a key nobody issued.
 *
 * @example
 * const userOf: ApiKeyLookup = loadApiKeys('./api-keys.json', root)
 * userOf(request.header('x-api-key') ?? '')
 */
export type ApiKeyLookup = (key: string) => User | undefined

const SHA256 = /^sha256:([0-9a-f]{64})$/
const ID = /^[\w.:@-]{1,128}$/

/**
 * Reads an API key file (relative to the project root): a JSON object mapping each key, or
 * `sha256:<hex digest of the key>` to keep keys out of the file, to `{ id, roles? }`. Keys are
 * kept and looked up by their SHA-256 digest, so a look-up does not reveal by its timing how
 * much of a key was right. Throws a `TypeError` naming what is wrong with the file.
 *
 * @example
 * // api-keys.json: { "k_live_4f9…": { "id": "billing-job", "roles": ["billing"] } }
 * const userOf = loadApiKeys('./api-keys.json', '/app')
 */
export function loadApiKeys(file: string, root: string): ApiKeyLookup {
  const path = resolve(root, file)
  let entries: Record<string, unknown>
  try {
    entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch (error) {
    throw new TypeError(`auth.apiKeys: ${path} is not a readable JSON file (${(error as Error).message})`)
  }
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
    throw new TypeError(`auth.apiKeys: ${path} must hold an object mapping keys to { id, roles }`)
  const users = new Map<string, User>()
  for (const [key, value] of Object.entries(entries)) {
    const { id, roles = [] } = (value ?? {}) as { id?: unknown; roles?: unknown }
    if (typeof id !== 'string' || !ID.test(id) || !Array.isArray(roles) || roles.some((r) => typeof r !== 'string'))
      throw new TypeError(`auth.apiKeys: the entry of a key in ${path} must be { id: 'name', roles: ['role'] }`)
    if (!SHA256.test(key) && key.length < 16)
      throw new TypeError(`auth.apiKeys: every key in ${path} must be at least 16 characters (or sha256:<hex>)`)
    const digest = SHA256.exec(key)?.[1] ?? digestOf(key)
    users.set(digest, Object.freeze({ id, roles: Object.freeze([...roles]), claims: Object.freeze({ apiKey: true }) }))
  }
  return (key) => users.get(digestOf(key))
}

function digestOf(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}
