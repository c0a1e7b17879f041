import { createRequire } from 'node:module'
import type { Ajv2020 } from 'ajv/dist/2020.js'
import type { JsonSchema } from '../../define/schema.ts'

/** ajv is CommonJS: required when the first check is compiled, so a start that compiles none never loads it. */
const require = createRequire(import.meta.url)

/** `JSON.stringify` as it was when nanoweb loaded: a service that replaces it changes no reply. */
const toJson = JSON.stringify

/**
 * A compiled yes/no check of a value against a JSON Schema.
 *
 * @example
 * const ok: Checker = (v) => typeof v === 'string'
 */
export type Checker = (value: unknown) => boolean

/**
 * Compiles JSON Schemas into fast checkers with ajv, sharing one compiled checker between all
 * services whose schemas are identical. Numbers must be finite, as in zod; a string with a length
 * bound must not hold astral characters (schema libraries disagree on how to count those), so
 * such strings take the library's own path. A compiled check thus never accepts what the library
 * it stands in for would reject.
 *
 * @example
 * const compiler = new JsonCheckerCompiler()
 * compiler.compile({ type: 'object', properties: { city: { type: 'string' } } })({ city: 'x' }) // true
 */
export class JsonCheckerCompiler {
  #ajv: Ajv2020 | undefined
  #byText = new Map<string, Checker>()
  readonly #later: (() => void)[] = []
  #next = 0

  /**
   * Runs `job` (a compilation) on a later turn of the event loop, one job per turn in the order
   * given: many schemas crossing their threshold during one page do not compile in one long
   * block, and the timers and I/O of the calls in flight run between them.
   *
   * @example
   * compiler.later(() => validator.compileNow())
   */
  later(job: () => void): void {
    this.#later.push(job)
    if (this.#later.length - this.#next === 1) setImmediate(() => this.#runNext())
  }

  #runNext(): void {
    const job = this.#later[this.#next] as () => void
    this.#next += 1
    if (this.#next === this.#later.length) {
      this.#later.length = 0
      this.#next = 0
    } else setImmediate(() => this.#runNext())
    job()
  }

  /** A checker for `schema`; compiled once per distinct schema text. */
  compile(schema: JsonSchema): Checker {
    const adapted = withLibrarySemantics(schema)
    const text = toJson(adapted)
    const known = this.#byText.get(text)
    if (known !== undefined) return known
    this.#ajv ??= newAjv()
    const validate = this.#ajv.compile(adapted)
    const checker: Checker = (value) => validate(value) as boolean
    this.#byText.set(text, checker)
    return checker
  }
}

function newAjv(): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const ajv = new Ajv({
    strict: false,
    unicode: false,
    validateSchema: false,
    addUsedSchema: false,
    allErrors: false,
    logger: false,
  })
  ajv.addKeyword({
    keyword: 'x-finite',
    type: 'number',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: number) => Number.isFinite(data),
    errors: false,
  })
  ajv.addKeyword({
    keyword: 'x-no-astral',
    type: 'string',
    schemaType: 'boolean',
    validate: (_schema: boolean, data: string) => !ASTRAL.test(data),
    errors: false,
  })
  return ajv
}

const ASTRAL = /[\uD800-\uDFFF]/

function withLibrarySemantics(node: unknown): JsonSchema {
  if (Array.isArray(node)) return node.map(withLibrarySemantics) as unknown as JsonSchema
  if (typeof node !== 'object' || node === null) return node as JsonSchema
  const out: JsonSchema = {}
  for (const [key, value] of Object.entries(node))
    out[key] = key === 'const' || key === 'enum' ? value : withLibrarySemantics(value)
  const type = out.type
  if (type === 'number' || (Array.isArray(type) && type.includes('number'))) out['x-finite'] = true
  if (out.minLength !== undefined || out.maxLength !== undefined) out['x-no-astral'] = true
  return out
}
