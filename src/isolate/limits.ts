import { type Duration, toMs } from '../define/duration.ts'
import { NanoError } from '../define/errors.ts'
import type { Limits } from '../define/policy.ts'
import { parseBytes } from '../define/policy-check.ts'

/**
 * The limits of an untrusted service's isolate, resolved: heap in MB (isolated-vm's unit, at
 * least 8) and CPU time per call in ms, with the text each was given as (for error messages).
 *
 * @example
 * const limits: ResolvedLimits = { memoryMb: 64, cpuMs: 50, memoryText: '64MB', cpuText: '50ms' }
 */
export interface ResolvedLimits {
  readonly memoryMb: number
  readonly cpuMs: number
  readonly memoryText: string
  readonly cpuText: string
}

/**
 * The limits an untrusted service gets when neither it nor the options say otherwise.
 *
 * @example
 * DEFAULT_ISOLATE_LIMITS.cpu // '50ms'
 */
export const DEFAULT_ISOLATE_LIMITS: Readonly<{ memory: string; cpu: Duration }> = Object.freeze({
  memory: '64MB',
  cpu: '50ms',
})

/**
 * The service's own `limits`, else the app's (`isolateLimits`), else {@link DEFAULT_ISOLATE_LIMITS}.
 *
 * @example
 * resolveLimits({ cpu: '10ms' }, { memory: '32MB' }) // { memoryMb: 32, cpuMs: 10, … }
 */
export function resolveLimits(own: Limits | undefined, app: Limits | undefined): ResolvedLimits {
  const memory = own?.memory ?? app?.memory ?? DEFAULT_ISOLATE_LIMITS.memory
  const cpu = own?.cpu ?? app?.cpu ?? DEFAULT_ISOLATE_LIMITS.cpu
  return {
    memoryMb: Math.max(8, Math.ceil(parseBytes(memory, 'limits.memory') / (1 << 20))),
    cpuMs: Math.max(1, toMs(cpu, 'limits.cpu')),
    memoryText: typeof memory === 'number' ? `${memory} bytes` : memory,
    cpuText: typeof cpu === 'number' ? `${cpu}ms` : cpu,
  }
}

/**
 * `NANO_E_LIMIT` for a call that went over a limit (`culprit`, with what was measured), or for a
 * call that was running in the same isolate when it had to be disposed.
 *
 * @example
 * throw limitError('plugins/x', 'cpu', limits, true) // "'plugins/x' went over its cpu limit (50ms) …"
 */
export function limitError(
  service: string,
  which: 'cpu' | 'memory',
  limits: ResolvedLimits,
  culprit: boolean,
  measured = '',
): NanoError {
  const value = which === 'cpu' ? `${limits.cpuText} of CPU time per call` : `${limits.memoryText} of memory`
  const used = measured === '' ? '' : `: ${measured}`
  const message = culprit
    ? `'${service}' went over its ${which} limit (${value})${used}; its isolate was disposed and will be recreated for the next call`
    : `'${service}' was stopped: another call in its isolate went over the ${which} limit (${value})`
  return new NanoError('NANO_E_LIMIT', message, { service })
}
