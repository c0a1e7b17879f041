import { NanoError } from '../../define/errors.ts'

const challenges = new WeakMap<NanoError, string>()
const REALM = 'Bearer realm="nanoweb"'

/**
 * The `WWW-Authenticate` value when credentials are missing: `Bearer realm="nanoweb"`.
 *
 * @example
 * headers['www-authenticate'] = SIGN_IN_CHALLENGE
 */
export const SIGN_IN_CHALLENGE = REALM

/**
 * The 401 for credentials that were sent but are not accepted: its `WWW-Authenticate` says
 * `error="invalid_token"` with `description` (RFC 6750).
 *
 * @example
 * throw invalidCredentials('the token has expired')
 */
export function invalidCredentials(description: string): NanoError {
  const error = new NanoError('NANO_E_UNAUTHENTICATED', `The credentials are not accepted: ${description}`)
  const quoted = description.replace(/["\\]/g, "'")
  challenges.set(error, `${REALM}, error="invalid_token", error_description="${quoted}"`)
  return error
}

/**
 * The `WWW-Authenticate` value for a `NANO_E_UNAUTHENTICATED` error: the invalid-token challenge
 * of {@link invalidCredentials}, else `Bearer realm="nanoweb"` (credentials are missing).
 *
 * @example
 * headers['www-authenticate'] = challengeOf(error)
 */
export function challengeOf(error: NanoError): string {
  return challenges.get(error) ?? REALM
}
