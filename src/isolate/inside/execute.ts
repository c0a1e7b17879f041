import type { StandardSchemaV1 } from '@standard-schema/spec'
import { NanoError } from '../../define/errors.ts'
import { toIssues } from '../../define/schema.ts'
import type { ServiceDefinition } from '../../define/service.ts'
import type { Context } from '../../define/types.ts'

/**
 * Validates the input with the service's own schema (zod), runs it, validates its output:
 * synchronously when nothing returns a promise (the host then has the answer at the end of its
 * turn, with no callback), else a promise.
 *
 * @example
 * const out = execute(def, input, ctx) // a value, or a promise of one
 */
export function execute(def: ServiceDefinition, input: unknown, ctx: Context<string>): unknown {
  const checked = def.input['~standard'].validate(input)
  if (isThenable(checked)) return checked.then((result) => runChecked(def, result, ctx))
  return runChecked(def, checked, ctx)
}

/**
 * True for a promise or any object with a `then` method.
 *
 * @example
 * isThenable(Promise.resolve(1)) // true
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

function runChecked(def: ServiceDefinition, result: StandardSchemaV1.Result<unknown>, ctx: Context<string>): unknown {
  if (result.issues !== undefined) throw invalid('NANO_E_INVALID_INPUT', 'Invalid input for', ctx, result.issues)
  const output = def.run(result.value, ctx)
  if (isThenable(output)) return output.then((value) => checkOutput(def, value, ctx))
  return checkOutput(def, output, ctx)
}

function checkOutput(def: ServiceDefinition, output: unknown, ctx: Context<string>): unknown {
  const checked = def.output['~standard'].validate(output)
  if (isThenable(checked)) return checked.then((result) => outputOf(result, ctx))
  return outputOf(checked, ctx)
}

function outputOf(result: StandardSchemaV1.Result<unknown>, ctx: Context<string>): unknown {
  if (result.issues !== undefined) throw invalid('NANO_E_INVALID_OUTPUT', 'Invalid output from', ctx, result.issues)
  return result.value
}

function invalid(
  code: 'NANO_E_INVALID_INPUT' | 'NANO_E_INVALID_OUTPUT',
  what: string,
  ctx: Context<string>,
  raw: readonly StandardSchemaV1.Issue[],
): NanoError {
  const issues = toIssues(raw)
  const first = issues[0]
  const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
  const detail = first === undefined ? '' : `: ${where}${first.message}`
  return new NanoError(code, `${what} '${ctx.service}'${detail}`, { issues, service: ctx.service })
}
