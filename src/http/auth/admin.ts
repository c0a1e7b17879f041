import type { Access } from '../../define/policy.ts'
import { policyOf } from '../../define/policy-check.ts'
import { type AccessCheck, accessCheckOf } from '../../runtime/access.ts'
import { NANO_URLS } from '../urls.ts'

const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  NANO_URLS.health,
  NANO_URLS.ready,
  NANO_URLS.live,
  NANO_URLS.liveScript,
])

/**
 * True for the `/_nano/*` routes that only an admin may open in production: every one but
 * health, ready (load balancers), the live stream and its script, and fragment assets (pages).
 * So the catalog, the OpenAPI document, and any route added later (metrics, dashboard) are
 * admin-only unless listed here.
 *
 * @example
 * isAdminRoute('/_nano/catalog') // true
 * isAdminRoute('/_nano/ready') // false
 */
export function isAdminRoute(path: string): boolean {
  return path.startsWith('/_nano/') && !PUBLIC_ROUTES.has(path) && !path.startsWith(NANO_URLS.assets)
}

/**
 * The check guarding admin routes, or undefined outside production. Production is the
 * `production` option, else `NODE_ENV=production`; the rule is `admin`, default
 * `{ roles: ['admin'] }`. Throws a `TypeError` for a rule that is not an access rule.
 *
 * @example
 * const guard = adminGuard({ production: true, admin: { roles: ['ops'] } })
 */
export function adminGuard(options: {
  readonly production?: boolean
  readonly admin?: Access
}): AccessCheck | undefined {
  const production = options.production ?? process.env.NODE_ENV === 'production'
  if (!production) return undefined
  const admin = policyOf({ access: options.admin ?? { roles: ['admin'] } }).access
  return accessCheckOf('the admin routes (/_nano/*)', admin) ?? allowAll
}

const allowAll: AccessCheck = () => undefined
