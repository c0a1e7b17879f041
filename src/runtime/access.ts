import { NanoError } from '../define/errors.ts'
import type { Access, User } from '../define/policy.ts'

/**
 * An access rule ready to check: undefined when the user may call, else the error to answer
 * (`NANO_E_UNAUTHENTICATED` when nobody is signed in, `NANO_E_FORBIDDEN` when the user may
 * not); a promise of either for an asynchronous rule.
 *
 * @example
 * const refused = check(request.user ?? null, input)
 */
export type AccessCheck = (user: User | null, input: unknown) => NanoError | undefined | Promise<NanoError | undefined>

/**
 * The {@link AccessCheck} of a declared `access` rule, or undefined for `'public'` and no rule
 * (so that a public service costs nothing). `what` names the guarded thing in messages.
 *
 * @example
 * const check = accessCheckOf("'news/draft'", { roles: ['editor'] })
 */
export function accessCheckOf(what: string, access: Access | undefined): AccessCheck | undefined {
  if (access === undefined || access === 'public') return undefined
  if (access === 'user') return (user) => (user === null ? unauthenticated(what) : undefined)
  if (typeof access === 'function') return byFunction(what, access as (user: User | null, input: unknown) => unknown)
  const roles = new Set(access.roles)
  const needs = `one of the roles ${[...roles].join(', ')}`
  return (user) => {
    if (user === null) return unauthenticated(what)
    for (const role of user.roles) if (roles.has(role)) return undefined
    return forbidden(what, user, needs)
  }
}

function byFunction(what: string, rule: (user: User | null, input: unknown) => unknown): AccessCheck {
  const verdict = (user: User | null, allowed: unknown): NanoError | undefined => {
    if (allowed === true) return undefined
    return user === null ? unauthenticated(what) : forbidden(what, user, 'its access rule to allow it')
  }
  const failed = (error: unknown): NanoError =>
    new NanoError('NANO_E_INTERNAL', `The access rule of ${what} failed`, { cause: error })
  return (user, input) => {
    let allowed: unknown
    try {
      allowed = rule(user, input)
    } catch (error) {
      return failed(error)
    }
    if (allowed instanceof Promise) return allowed.then((value) => verdict(user, value), failed)
    return verdict(user, allowed)
  }
}

function unauthenticated(what: string): NanoError {
  return new NanoError('NANO_E_UNAUTHENTICATED', `Sign in to use ${what}`)
}

function forbidden(what: string, user: User, needs: string): NanoError {
  return new NanoError('NANO_E_FORBIDDEN', `The user '${user.id}' may not use ${what} (it needs ${needs})`)
}

/**
 * Runs `next` once an {@link AccessCheck}'s answer allows it: at once when it allowed
 * synchronously, after it for an asynchronous rule; a refusal is thrown (or rejects).
 *
 * @example
 * return whenAllowed(check(user, input), () => render())
 */
export function whenAllowed<T>(refused: ReturnType<AccessCheck>, next: () => T): T | Promise<Awaited<T>> {
  if (refused === undefined) return next()
  if (!(refused instanceof Promise)) throw refused
  return refused.then((error) => {
    if (error !== undefined) throw error
    return next()
  }) as Promise<Awaited<T>>
}
