import type { StandardSchemaV1 } from '@standard-schema/spec'
import { NanoError, type NanoErrorCode } from '../../define/errors.ts'
import { exactJsonSchema, toIssues } from '../../define/schema.ts'
import type { Checker, JsonCheckerCompiler } from './json-checker.ts'
import { isPlainZodSchema } from './zod-plain.ts'

const NEVER: Checker = () => false

/**
 * Validates values against one Standard Schema, in two tiers. After `fastAfter` checks, a schema
 * that only checks (see `isPlainZodSchema`) is compiled to a JSON Schema checker; `tryFast`
 * then accepts most values in well under a microsecond. Anything it rejects goes through the
 * schema library itself (`parse`), which has the last word, coerces, transforms and explains.
 *
 * @example
 * const v = new Validator(z.object({ n: z.number() }), compiler, 'INPUT', 'calc/add', 8)
 * const value = v.tryFast(input) ? input : v.check(input)
 */
export class Validator {
  readonly #schema: StandardSchemaV1
  readonly #compiler: JsonCheckerCompiler | undefined
  readonly #code: NanoErrorCode
  readonly #service: string
  readonly #fastAfter: number
  #fast: Checker | undefined
  #seen = 0

  constructor(
    schema: StandardSchemaV1,
    compiler: JsonCheckerCompiler | undefined,
    code: NanoErrorCode,
    service: string,
    fastAfter: number,
  ) {
    this.#schema = schema
    this.#compiler = compiler
    this.#code = code
    this.#service = service
    this.#fastAfter = fastAfter
    this.#fast = compiler === undefined || !isPlainZodSchema(schema) ? NEVER : undefined
  }

  /** True when the compiled check accepts `value` as it is; false means "ask `parse`". */
  tryFast(value: unknown): boolean {
    const fast = this.#fast
    if (fast !== undefined) return fast(value)
    if (++this.#seen >= this.#fastAfter) this.#fast = this.#compile()
    return false
  }

  /**
   * Validates with the schema library: its output, or a promise of it when the library validates
   * asynchronously; throws (or rejects with) `NanoError` listing the issues.
   */
  check(value: unknown): unknown {
    const result = this.#schema['~standard'].validate(value)
    if (result instanceof Promise) return result.then((settled) => this.#settle(settled))
    return this.#settle(result)
  }

  #settle(result: StandardSchemaV1.Result<unknown>): unknown {
    if (result.issues === undefined) return result.value
    const issues = toIssues(result.issues)
    const what = this.#code === 'NANO_E_INVALID_INPUT' ? 'Invalid input for' : 'Invalid output from'
    const first = issues[0]
    const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
    const detail = first === undefined ? '' : `: ${where}${first.message}`
    throw new NanoError(this.#code, `${what} '${this.#service}'${detail}`, { issues, service: this.#service })
  }

  #compile(): Checker {
    const json = exactJsonSchema(this.#schema, 'output')
    if (json === undefined) return NEVER
    try {
      return (this.#compiler as JsonCheckerCompiler).compile(json)
    } catch {
      return NEVER
    }
  }
}
