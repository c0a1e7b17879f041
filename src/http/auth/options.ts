import type { User } from '../../define/policy.ts'

/**
 * How bearer JWTs are verified: with a shared `secret` (HMAC, `HS256` by default) or with the
 * public keys of a JWKS (`jwks`: a file, relative to the project root, or an `https://` URL;
 * `RS256`, `PS256`, `ES256`, `ES384`, `EdDSA` by default). Only the listed `algorithms` are
 * accepted, so `alg: none` and algorithm confusion fail. Every token must carry `sub` (the user
 * id) and `exp`.
 *
 * @example
 * const jwt: JwtOptions = { jwks: 'https://id.example.com/.well-known/jwks.json', issuer: 'https://id.example.com/', audience: 'news' }
 */
export interface JwtOptions {
  /** A shared secret for HMAC-signed tokens (at least 32 characters). */
  readonly secret?: string
  /** A JWKS file (relative to the project root) or URL with the issuer's public keys. */
  readonly jwks?: string
  /** The accepted `iss`: tokens from any other issuer fail. */
  readonly issuer?: string | readonly string[]
  /** The accepted `aud`: tokens for any other audience fail. */
  readonly audience?: string | readonly string[]
  /** The accepted signing algorithms. Default: `['HS256']` with a secret, else the asymmetric ones above. */
  readonly algorithms?: readonly string[]
  /** The claim holding the user's roles (an array, or a space-separated string; a dotted path reads nested claims). Default `roles`. */
  readonly rolesClaim?: string
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 5. */
  readonly clockTolerance?: number
}

/**
 * What an `auth` function sees of a request: its method, path and headers (lower-case names).
 *
 * @example
 * const auth: AuthFunction = (request) => (request.header('x-demo-user') === 'ann' ? { id: 'ann', roles: [], claims: {} } : null)
 */
export interface AuthRequest {
  readonly method: string
  readonly path: string
  header(name: string): string | undefined
}

/**
 * Authenticates a request by code: the user, or null for nobody signed in. Throwing a
 * `NanoError('NANO_E_UNAUTHENTICATED', …)` refuses the request's credentials (401).
 *
 * @example
 * const auth: AuthFunction = async (request) => sessions.userOf(request.header('cookie'))
 */
export type AuthFunction = (request: AuthRequest) => User | null | Promise<User | null>

/**
 * The `auth` option of `createServer` and `nanoweb.config.ts`: bearer JWTs (`jwt`), API keys
 * (`apiKeys`: a JSON file mapping each key to `{ id, roles }`), both, or a function. The user
 * found becomes `ctx.request.user` (and `ctx.request.userId`).
 *
 * @example
 * const auth: AuthOptions = { jwt: { secret: process.env.JWT_SECRET ?? '' }, apiKeys: './api-keys.json' }
 */
export type AuthOptions = { readonly jwt?: JwtOptions; readonly apiKeys?: string } | AuthFunction
