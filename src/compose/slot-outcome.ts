import { isNanoError } from '../define/errors.ts'
import type { PagePlan } from './plan.ts'

/**
 * A slot still running (the states of a page's slots, kept by slot in a `Uint8Array`).
 *
 * @example
 * if (state[i] === PENDING) break
 */
export const PENDING = 0
/**
 * A slot that rendered its own markup.
 *
 * @example
 * const html = state[i] === DONE ? rendered[i] : fallback
 */
export const DONE = 1
/**
 * A slot that shows its fallback.
 *
 * @example
 * if (state[i] === FELL_BACK) return 504
 */
export const FELL_BACK = 2

/**
 * Why a slot fell back, as logged: `aborted` when the page stopped waiting, `budget` or
 * `timeout` when it ran out of time, else the error's code (or `reason`, or `error`).
 *
 * @example
 * fallbackReason(new NanoError('NANO_E_TIMEOUT', 'late'), { aborted: false, budgetPassed: false }) // 'timeout'
 */
export function fallbackReason(error: unknown, page: { aborted: boolean; budgetPassed: boolean }): string {
  if (!isNanoError(error)) return (error as { reason?: string } | undefined)?.reason ?? 'error'
  if (error.code === 'NANO_E_ABORTED' && page.aborted) return 'aborted'
  if (error.code !== 'NANO_E_TIMEOUT') return error.code
  return page.budgetPassed ? 'budget' : 'timeout'
}

/**
 * A page's status once its primary slots have settled: 200, or the status the first failed one
 * gives (a client's mistake keeps its 4xx, running out of time is 504, anything else (a slot that
 * cannot be linked, a crash) 500). `state` and `errors` are by slot.
 *
 * @example
 * pageStatus(plan.slots, state, errors) // 404 when the primary story was not found
 */
export function pageStatus(slots: PagePlan['slots'], state: Uint8Array, errors: readonly unknown[]): number {
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as PagePlan['slots'][number]
    if (slot.spec.primary && state[i] === FELL_BACK) return primaryFailureStatus(errors[i], slot.problem !== undefined)
  }
  return 200
}

function primaryFailureStatus(error: unknown, unlinked: boolean): number {
  if (unlinked || !isNanoError(error)) return 500
  if (error.status >= 400 && error.status < 500) return error.status
  return error.code === 'NANO_E_TIMEOUT' ? 504 : 500
}
