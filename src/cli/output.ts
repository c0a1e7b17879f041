import { isNanoError } from '../define/errors.ts'

/**
 * Exit codes of the CLI: 0 success, 1 the thing asked for failed, 2 the command line was wrong.
 *
 * @example
 * process.exitCode = EXIT.USAGE
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const

/**
 * Prints an error a person can act on (code, message, schema issues) to stderr and sets the exit
 * code; never a stack for a NanoError.
 *
 * @example
 * fail(error) // "error NANO_E_NOT_FOUND: No service named 'x'"
 */
export function fail(error: unknown, exitCode: number = EXIT.FAILED): void {
  if (isNanoError(error)) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`)
    for (const issue of error.issues ?? []) {
      process.stderr.write(`  at ${issue.path.length === 0 ? '(input)' : issue.path.join('.')}: ${issue.message}\n`)
    }
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
  }
  process.exitCode = exitCode
}
