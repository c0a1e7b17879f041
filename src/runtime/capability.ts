import { relative } from 'node:path'
import { NanoError } from '../define/errors.ts'
import type { CallContext } from './context.ts'

/**
 * Why a service may not make a call, or undefined when it may: the callee must be named in its
 * `uses` (`NANO_E_FORBIDDEN_CALL`), and the nesting must stay under the limit (`NANO_E_CALL_DEPTH`).
 *
 * @example
 * const refused = refusal(ctx, 'geo/lookup', { maxDepth: 32, root: '/app' })
 * if (refused !== undefined) return Promise.reject(refused)
 */
export function refusal(
  ctx: CallContext,
  name: string,
  limits: { readonly maxDepth: number; readonly root: string },
): NanoError | undefined {
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
  return undefined
}
