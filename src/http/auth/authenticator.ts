import type { User } from '../../define/policy.ts'
import type { Exchange } from '../exchange.ts'
import { type ApiKeyLookup, loadApiKeys } from './api-keys.ts'
import { invalidCredentials } from './challenge.ts'
import { type JwtVerifier, jwtVerifier } from './jwt.ts'
import type { AuthFunction, AuthOptions } from './options.ts'

type Found = User | null | Promise<User | null>

/**
 * Finds the user of a request from the server's `auth` option, once per request. A request
 * without credentials is anonymous (null) at the cost of two header look-ups; a request with
 * credentials that do not verify fails with `NANO_E_UNAUTHENTICATED` (401, `invalid_token`).
 * Credentials: `X-API-Key: <key>`, or `Authorization: Bearer <JWT or API key>`.
 *
 * @example
 * const auth = new Authenticator({ jwt: { secret } }, root)
 * const user = await auth.authenticate(exchange) // User or null
 */
export class Authenticator {
  readonly #jwt: JwtVerifier | undefined
  readonly #apiKey: ApiKeyLookup | undefined
  readonly #custom: AuthFunction | undefined

  constructor(options: AuthOptions, root: string) {
    if (typeof options === 'function') {
      this.#custom = options
      return
    }
    if (typeof options !== 'object' || options === null || (options.jwt === undefined && options.apiKeys === undefined))
      throw new TypeError(
        'auth must be { jwt: { … } }, { apiKeys: <file> }, both, or a function (request) => user | null',
      )
    this.#jwt = options.jwt === undefined ? undefined : jwtVerifier(options.jwt, root)
    this.#apiKey = options.apiKeys === undefined ? undefined : loadApiKeys(options.apiKeys, root)
  }

  /** The request's user, null when it carries no credentials; rejects when they do not verify. */
  authenticate(ex: Exchange): Found {
    if (this.#custom !== undefined) return this.#byFunction(ex, this.#custom)
    const key = this.#apiKey === undefined ? undefined : ex.header('x-api-key')
    if (key !== undefined) return this.#byKey(key)
    const authorization = ex.header('authorization')
    if (authorization === undefined) return null
    const space = authorization.indexOf(' ')
    if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'bearer') return null
    const token = authorization.slice(space + 1).trim()
    if (this.#jwt !== undefined && (this.#apiKey === undefined || isJwtShaped(token))) return this.#jwt(token)
    return this.#byKey(token)
  }

  #byKey(key: string): User {
    const user = (this.#apiKey as ApiKeyLookup)(key)
    if (user === undefined) throw invalidCredentials('the API key is not known')
    return user
  }

  #byFunction(ex: Exchange, auth: AuthFunction): Found {
    const found = auth({ method: ex.method, path: ex.path, header: (name) => ex.header(name.toLowerCase()) })
    return found instanceof Promise ? found.then(checkedUser) : checkedUser(found)
  }
}

function isJwtShaped(token: string): boolean {
  const first = token.indexOf('.')
  return first > 0 && token.indexOf('.', first + 1) > first
}

function checkedUser(user: User | null | undefined): User | null {
  if (user === null || user === undefined) return null
  if (typeof user !== 'object' || typeof user.id !== 'string' || user.id === '')
    throw new TypeError('the auth function must return null or a user { id, roles, claims }')
  const roles = Array.isArray(user.roles) ? user.roles.filter((role) => typeof role === 'string') : []
  return Object.freeze({ id: user.id, roles: Object.freeze(roles), claims: user.claims ?? {} })
}
