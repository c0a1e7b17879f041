import type { StandardSchemaV1 } from '@standard-schema/spec'
import { isNanoError, NanoError, type SchemaIssue } from '../../define/errors.ts'
import { exactJsonSchema, ownCheckOf, toIssues } from '../../define/schema.ts'
import type { LogSink } from '../logger.ts'
import type { Checker, JsonCheckerCompiler } from './json-checker.ts'
import { letsAnyDepthThrough, MAX_NESTING, nestedDeeperThan } from './nesting.ts'
import { primeSchema } from './prime.ts'
import { isSealed, SealedMemo } from './sealed.ts'
import { isPlainZodSchema } from './zod-plain.ts'

const NEVER: Checker = () => false

/**
 * How a {@link Validator} checks: what it checks (input or output of which service), the shared
 * JSON Schema compiler (none: always the schema library), after how many checks a plain schema
 * is compiled, and where an unexpected failure of the schema library is logged.
 *
 * @example
 * const options: ValidatorOptions = { compiler, code: 'NANO_E_INVALID_INPUT', service: 'calc/add', fastAfter: 8, log: sink }
 */
export interface ValidatorOptions {
  readonly compiler: JsonCheckerCompiler | undefined
  readonly code: 'NANO_E_INVALID_INPUT' | 'NANO_E_INVALID_OUTPUT'
  readonly service: string
  readonly fastAfter: number
  readonly log?: LogSink
}

/**
 * Validates values against one Standard Schema, in two tiers. After `fastAfter` checks, a schema
 * that only checks (see `isPlainZodSchema`) is compiled to a JSON Schema checker; `tryFast`
 * then accepts most values in well under a microsecond. Anything it rejects goes through the
 * schema library itself (`check`), which has the last word, coerces, transforms and explains.
 * A schema that lets values of any depth through also refuses values nested more than
 * {@link MAX_NESTING} levels deep (a client's mistake, not a stack overflow further on); a
 * schema library that throws is logged and answers `NANO_E_INTERNAL`.
 *
 * @example
 * const v = new Validator(z.object({ n: z.number() }), { compiler, code: 'NANO_E_INVALID_INPUT', service: 'calc/add', fastAfter: 8 })
 * const value = v.tryFast(input) ? input : v.check(input)
 */
export class Validator {
  readonly #schema: StandardSchemaV1
  readonly #options: ValidatorOptions
  readonly #anyDepth: boolean
  #fast: Checker | undefined
  /** zod's parse without its generated code, for a plain schema whose compiled check takes over after a few calls. */
  readonly #jitless: ((value: unknown) => StandardSchemaV1.Result<unknown>) | undefined
  #seen = 0
  /** Sealed values the compiled check accepted: they cannot have changed since. */
  readonly #passed = new SealedMemo<true>()

  constructor(schema: StandardSchemaV1, options: ValidatorOptions) {
    this.#schema = schema
    this.#options = options
    this.#anyDepth = letsAnyDepthThrough(schema)
    const plain = isPlainZodSchema(schema)
    this.#fast = ownCheckOf(schema) ?? (options.compiler === undefined || !plain ? NEVER : undefined)
    this.#jitless = plain && this.#fast !== NEVER ? jitlessZod(schema) : undefined
  }

  /**
   * Runs the schema once now, while its service loads, when its first call would compile code
   * (see {@link primeSchema}); a plain zod schema validated jitless until its own compiled check
   * takes over is left alone.
   */
  prime(): void {
    if (this.#jitless === undefined) primeSchema(this.#schema)
  }

  /** True when the compiled check accepts `value` as it is; false means "ask `check`". */
  tryFast(value: unknown): boolean {
    const fast = this.#fast
    if (fast !== undefined) {
      if (!isSealed(value)) return fast(value)
      if (this.#passed.get(value) === true) return true
      return fast(value) && this.#passed.set(value, true)
    }
    const seen = ++this.#seen
    const after = this.#options.fastAfter
    if (seen === after) this.#options.compiler?.later(() => this.#compileNow())
    else if (seen >= after * 4) this.#compileNow()
    return false
  }

  /**
   * Validates with the schema library: its output, or a promise of it when the library validates
   * asynchronously; throws (or rejects with) `NanoError` listing the issues.
   */
  check(value: unknown): unknown {
    if (this.#anyDepth && nestedDeeperThan(value, MAX_NESTING)) throw this.#tooDeep()
    let result: StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>
    try {
      result = this.#jitless === undefined ? this.#schema['~standard'].validate(value) : this.#jitless(value)
    } catch (error) {
      throw this.#unexpected(error)
    }
    if (result instanceof Promise) {
      return result.then(
        (settled) => this.#settle(settled),
        (error: unknown) => {
          throw this.#unexpected(error)
        },
      )
    }
    return this.#settle(result)
  }

  #settle(result: StandardSchemaV1.Result<unknown>): unknown {
    if (result.issues === undefined) return result.value
    const issues = toIssues(result.issues)
    const first = issues[0]
    const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
    throw this.#invalid(first === undefined ? '' : `: ${where}${first.message}`, issues)
  }

  #tooDeep(): NanoError {
    const message = `nested too deeply (more than ${MAX_NESTING} levels of objects and arrays)`
    return this.#invalid(`: ${message}`, [{ path: [], message: `Value ${message}` }])
  }

  #invalid(detail: string, issues: readonly SchemaIssue[]): NanoError {
    const { code, service } = this.#options
    const what = code === 'NANO_E_INVALID_INPUT' ? 'Invalid input for' : 'Invalid output from'
    return new NanoError(code, `${what} '${service}'${detail}`, { issues, service })
  }

  #unexpected(error: unknown): NanoError {
    if (isNanoError(error)) return error
    const { code, service, log } = this.#options
    const what = code === 'NANO_E_INVALID_INPUT' ? 'input' : 'output'
    log?.({
      level: 'error',
      message: `validating the ${what} of '${service}' failed`,
      time: Date.now(),
      service,
      error,
    })
    return new NanoError('NANO_E_INTERNAL', `The ${what} of '${service}' could not be validated`, {
      cause: error,
      service,
    })
  }

  /**
   * Compiles the fast check once the schema has been used often enough, on a later turn of the
   * event loop ({@link JsonCheckerCompiler.later}): the call that crossed the threshold (often
   * one of a page's first, under its deadline) does not pay for the compilation. Calls that never
   * yield to the event loop (a loop of awaited in-memory calls) compile it inline after four
   * times the threshold.
   */
  #compileNow(): void {
    this.#fast ??= this.#compile()
  }

  #compile(): Checker {
    const json = exactJsonSchema(this.#schema, 'output')
    if (json === undefined) return NEVER
    let checker: Checker
    try {
      checker = (this.#options.compiler as JsonCheckerCompiler).compile(json)
    } catch {
      return NEVER
    }
    return this.#anyDepth ? (value) => !nestedDeeperThan(value, MAX_NESTING) && checker(value) : checker
  }
}

const JITLESS = Object.freeze({ jitless: true })

interface SafeParsing {
  safeParse(
    value: unknown,
    context: typeof JITLESS,
  ): { success: boolean; data?: unknown; error?: { issues: StandardSchemaV1.Issue[] } }
}

/**
 * zod's `safeParse` with `jitless`, as a standard result: the first calls of a plain schema skip
 * generating (and compiling) zod's code for it, which thousands of services loading at start
 * would each pay for a handful of calls. Undefined for a zod flavour without `safeParse` (mini).
 */
function jitlessZod(schema: StandardSchemaV1): ((value: unknown) => StandardSchemaV1.Result<unknown>) | undefined {
  const parsing = schema as unknown as Partial<SafeParsing>
  if (typeof parsing.safeParse !== 'function') return undefined
  return (value) => {
    const result = (parsing as SafeParsing).safeParse(value, JITLESS)
    return result.success ? { value: result.data } : { issues: result.error?.issues ?? [] }
  }
}
