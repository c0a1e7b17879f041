import { relative } from 'node:path'
import { NanoError } from '../define/errors.ts'
import type { CallContext } from './context.ts'

/**
 * The bounds of calls between services.
 *
 * @example
 * const limits: CallLimits = { maxDepth: 32, maxCalls: 10_000, root: '/app' }
 */
export interface CallLimits {
  readonly maxDepth: number
  /** Calls between services allowed in one outside call's tree. */
  readonly maxCalls: number
  /** Project folder (messages name files relative to it). */
  readonly root: string
}

/**
 * Why a service may not make a call, or undefined when it may: the callee must be named in its
 * `uses` (`NANO_E_FORBIDDEN_CALL`), the nesting must stay under the limit (`NANO_E_CALL_DEPTH`),
 * and the tree must not have made `maxCalls` calls already (`NANO_E_CALL_TREE`). A call that is
 * allowed is counted in its tree.
 *
 * @example
 * const refused = refusal(ctx, 'geo/lookup', { maxDepth: 32, maxCalls: 10_000, root: '/app' })
 * if (refused !== undefined) return Promise.reject(refused)
 */
export function refusal(ctx: CallContext, name: string, limits: CallLimits): NanoError | undefined {
  if (!ctx.prepared.uses.has(name)) {
    return new NanoError(
      'NANO_E_FORBIDDEN_CALL',
      `'${ctx.service}' may not call '${name}': add it to \`uses\` in ${relative(limits.root, ctx.prepared.file)}`,
      { service: ctx.service },
    )
  }
  if (ctx.depth >= limits.maxDepth) {
    return new NanoError(
      'NANO_E_CALL_DEPTH',
      `Call depth limit ${limits.maxDepth} reached calling '${name}' from '${ctx.service}' (a cycle or runaway recursion)`,
      { service: ctx.service },
    )
  }
  const tree = ctx.tree
  if (tree.calls >= limits.maxCalls) {
    return new NanoError(
      'NANO_E_CALL_TREE',
      `Call tree limit reached: one outside call led to ${limits.maxCalls} calls between services (maxCallsPerRequest); '${ctx.service}' may not call '${name}' (calls that fan out or recurse without bound)`,
      { service: ctx.service },
    )
  }
  tree.calls += 1
  return undefined
}
