import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose'
import { NanoError } from '../../define/errors.ts'
import type { User } from '../../define/policy.ts'
import { invalidCredentials } from './challenge.ts'
import type { JwtOptions } from './options.ts'

/**
 * `jose` (some 50 modules), loaded when a JWT verifier is first made: a server without JWT auth
 * never loads it, which shortens its start. Loaded synchronously (`require` of the ES module), so
 * that bad options still throw as the server is made.
 */
let jose: typeof import('jose') | undefined
function joseModule(): typeof import('jose') {
  jose ??= createRequire(import.meta.url)('jose') as typeof import('jose')
  return jose
}

const ASYMMETRIC = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const
const HMAC = /^HS(256|384|512)$/
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Verifies a bearer JWT and reads its user, or rejects with `NANO_E_UNAUTHENTICATED`.
 *
 * @example
 * const verify: JwtVerifier = jwtVerifier({ secret }, root)
 * const user = await verify(token)
 */
export type JwtVerifier = (token: string) => Promise<User>

/**
 * A {@link JwtVerifier} for the options: the secret or the JWKS (read now when it is a file,
 * fetched and cached by `jose` when it is a URL), the accepted algorithms, issuer and audience.
 * Throws a `TypeError` naming what is wrong with the options.
 *
 * @example
 * const verify = jwtVerifier({ jwks: './jwks.json', issuer: 'https://id.example.com/', audience: 'news' }, '/app')
 */
export function jwtVerifier(options: JwtOptions, root: string): JwtVerifier {
  const { jwtVerify } = joseModule()
  const key = keyOf(options, root)
  const algorithms = [...(options.algorithms ?? (options.secret === undefined ? ASYMMETRIC : ['HS256']))]
  checkAlgorithms(algorithms, options.secret !== undefined)
  const verifyOptions = {
    algorithms,
    issuer: options.issuer as string | string[] | undefined,
    audience: options.audience as string | string[] | undefined,
    clockTolerance: options.clockTolerance ?? 5,
    requiredClaims: ['sub', 'exp'],
  }
  const rolesPath = (options.rolesClaim ?? 'roles').split('.')
  return async (token) => {
    let payload: JWTPayload
    try {
      payload = (await jwtVerify(token, key as JWTVerifyGetKey, verifyOptions)).payload
    } catch (error) {
      throw refusal(error)
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidCredentials("the token has no 'sub' claim")
    return Object.freeze({
      id: payload.sub,
      roles: Object.freeze(rolesOf(payload, rolesPath)),
      claims: Object.freeze(payload),
    })
  }
}

function keyOf(options: JwtOptions, root: string): Uint8Array | JWTVerifyGetKey {
  const { secret, jwks } = options
  if ((secret === undefined) === (jwks === undefined)) {
    throw new TypeError('auth.jwt needs exactly one of `secret` (a shared secret) or `jwks` (a JWKS file or URL)')
  }
  if (secret !== undefined) {
    if (typeof secret !== 'string' || secret.length < 32)
      throw new TypeError('auth.jwt.secret must be a string of at least 32 characters')
    return new TextEncoder().encode(secret)
  }
  const where = jwks as string
  if (/^https?:\/\//i.test(where)) {
    const url = new URL(where)
    if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname))
      throw new TypeError(`auth.jwt.jwks must be an https:// URL (got ${where})`)
    return joseModule().createRemoteJWKSet(url)
  }
  const file = resolve(root, where)
  let set: JSONWebKeySet
  try {
    set = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet
    return joseModule().createLocalJWKSet(set)
  } catch (error) {
    throw new TypeError(`auth.jwt.jwks: ${file} is not a readable JWKS file (${(error as Error).message})`)
  }
}

function checkAlgorithms(algorithms: readonly string[], hmac: boolean): void {
  const wrong = algorithms.find((alg) => alg === 'none' || HMAC.test(alg) !== hmac)
  if (algorithms.length === 0 || wrong !== undefined) {
    const kind = hmac
      ? "HMAC algorithms ('HS256', 'HS384', 'HS512') with a secret"
      : 'asymmetric algorithms with a JWKS'
    throw new TypeError(`auth.jwt.algorithms must list ${kind}${wrong === undefined ? '' : ` (got '${wrong}')`}`)
  }
}

function rolesOf(payload: JWTPayload, path: readonly string[]): string[] {
  let value: unknown = payload
  for (const part of path)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined
  if (typeof value === 'string') return value.split(' ').filter((role) => role !== '')
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : []
}

const REASONS: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'the token has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the signature does not verify',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the signing algorithm is not accepted',
  ERR_JWKS_NO_MATCHING_KEY: 'no known key signed the token',
  ERR_JWS_INVALID: 'the token is malformed',
  ERR_JWT_INVALID: 'the token is malformed',
  ERR_JOSE_NOT_SUPPORTED: 'the token uses an unsupported algorithm or key',
}

const UNREACHABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID'])

function refusal(error: unknown): NanoError {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string }
  if (UNREACHABLE.has(code ?? '') || (code === undefined && error instanceof Error)) {
    return new NanoError('NANO_E_UNAVAILABLE', 'The keys that verify sign-in tokens could not be fetched', {
      cause: error,
    })
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    return invalidCredentials(
      reason === 'missing' ? `the token has no '${claim}' claim` : `the '${claim}' claim is not accepted`,
    )
  }
  return invalidCredentials(REASONS[code ?? ''] ?? 'the token is not valid')
}
