/**
 * Decides whether a zod 4 schema is "plain": it only checks, never changes the value (no
 * transforms, defaults, coercion, refinements or formats), and every check it makes has an exact
 * JSON Schema twin. For such a schema a compiled JSON Schema check accepts exactly the values zod
 * accepts, and zod's output equals its input, so the compiled check can stand in for zod.
 */

interface ZodLike {
  readonly _zod: { readonly def: ZodDef }
}

interface ZodDef {
  readonly type: string
  readonly checks?: readonly ZodLike[]
  readonly check?: string
  readonly format?: string
  readonly coerce?: boolean
  readonly shape?: Readonly<Record<string, ZodLike>>
  readonly catchall?: ZodLike
  readonly element?: ZodLike
  readonly innerType?: ZodLike
  readonly options?: readonly ZodLike[]
  readonly items?: readonly ZodLike[]
  readonly rest?: ZodLike | null
  readonly keyType?: ZodLike
  readonly valueType?: ZodLike
  readonly values?: readonly unknown[]
  readonly entries?: Readonly<Record<string, unknown>>
}

const LEAVES = new Set(['string', 'number', 'boolean', 'null', 'any', 'unknown', 'never'])
const SIZE_CHECKS = new Set(['min_length', 'max_length', 'length_equals', 'greater_than', 'less_than', 'multiple_of'])
const NUMBER_FORMATS = new Set(['safeint', 'int32', 'uint32'])

/**
 * True when `schema` is a zod 4 schema whose check can be compiled without changing meaning.
 *
 * @example
 * isPlainZodSchema(z.object({ city: z.string().min(1) }))    // true
 * isPlainZodSchema(z.string().transform((s) => s.length))     // false
 */
export function isPlainZodSchema(schema: unknown): boolean {
  return isZod(schema) && isPlain(schema, 0)
}

function isZod(value: unknown): value is ZodLike {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def
  return typeof def?.type === 'string'
}

function isPlain(node: ZodLike, depth: number): boolean {
  if (depth > 64) return false
  const def = node._zod.def
  if (def.coerce === true || def.format !== undefined || def.check !== undefined) return false
  if (def.checks !== undefined && !def.checks.every(isPlainCheck)) return false
  const child = (n: ZodLike | undefined | null): boolean => n == null || (isZod(n) && isPlain(n, depth + 1))
  switch (def.type) {
    case 'object':
      return (
        Object.values(def.shape ?? {}).every(child) &&
        (def.catchall === undefined || ['never', 'unknown', 'any'].includes(def.catchall._zod.def.type))
      )
    case 'array':
      return child(def.element)
    case 'optional':
    case 'nullable':
      return child(def.innerType)
    case 'union':
      return (def.options ?? []).every(child)
    case 'tuple':
      return (def.items ?? []).every(child) && child(def.rest)
    case 'record':
      return def.keyType?._zod.def.type === 'string' && isPlain(def.keyType, depth + 1) && child(def.valueType)
    case 'literal':
      return (def.values ?? []).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    case 'enum':
      return Object.values(def.entries ?? {}).every((v) => typeof v === 'string' || typeof v === 'number')
    default:
      return LEAVES.has(def.type)
  }
}

function isPlainCheck(check: ZodLike): boolean {
  const def = check._zod.def
  if (def.check === 'number_format') return NUMBER_FORMATS.has(def.format ?? '')
  return def.check !== undefined && SIZE_CHECKS.has(def.check)
}
