import { NanoError } from '../define/errors.ts'

/**
 * The error for a service name nobody defined (404 `NANO_E_NOT_FOUND`).
 *
 * @example
 * throw notFound('weather/nowhere')
 */
export function notFound(name: string): NanoError {
  return new NanoError('NANO_E_NOT_FOUND', `No service named '${name}'`, { service: name })
}
