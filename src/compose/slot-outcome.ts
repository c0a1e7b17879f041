import { isNanoError } from '../define/errors.ts'

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
 * The page status a failed primary slot gives: a client's mistake keeps its 4xx, running out of
 * time is 504, anything else (a slot that cannot be linked, a crash) 500.
 *
 * @example
 * primaryFailureStatus(new NanoError('NANO_E_NOT_FOUND', 'no such story'), false) // 404
 */
export function primaryFailureStatus(error: unknown, unlinked: boolean): number {
  if (unlinked || !isNanoError(error)) return 500
  if (error.status >= 400 && error.status < 500) return error.status
  return error.code === 'NANO_E_TIMEOUT' ? 504 : 500
}
