/**
 * Deep nesting is checked only where it can hurt: a value accepted by a schema of bounded depth
 * (the usual objects of strings, numbers, arrays…) is never deeper than the schema, so only
 * schemas that let any depth through (`z.unknown()`, `z.any()`, a loose object, a recursive or
 * non-zod schema) pay for a walk of the value.
 */

/**
 * The deepest nesting of objects and arrays accepted where a schema would let any depth through.
 *
 * @example
 * nestedDeeperThan(value, MAX_NESTING) // true: refuse it
 */
export const MAX_NESTING = 256

interface ZodLike {
  readonly _zod: { readonly def: Readonly<Record<string, unknown>> & { readonly type: string } }
}

const LEAVES = new Set([
  'string',
  'number',
  'bigint',
  'boolean',
  'symbol',
  'null',
  'undefined',
  'void',
  'never',
  'nan',
  'date',
  'file',
  'literal',
  'enum',
  'template_literal',
  'transform',
])
const WRAPPERS = new Set(['optional', 'nullable', 'nonoptional', 'default', 'prefault', 'catch', 'readonly', 'success'])

/**
 * True when values of any depth can pass `schema` whole (so they must be depth-checked): any
 * schema that is not zod, or a zod schema with `unknown`/`any`/`custom` parts, a catch-all, or a
 * recursion (`z.lazy`, a getter that refers back).
 *
 * @example
 * letsAnyDepthThrough(z.object({ city: z.string() })) // false
 * letsAnyDepthThrough(z.unknown())                     // true
 */
export function letsAnyDepthThrough(schema: unknown): boolean {
  return !isZod(schema) || unbounded(schema, new Map())
}

/**
 * True when `value` nests plain objects and arrays more than `limit` levels deep (a cycle counts
 * as endless nesting). Other objects (class instances, maps, dates) are not looked into.
 *
 * @example
 * nestedDeeperThan({ a: { a: 1 } }, 1) // true
 * nestedDeeperThan([[1]], 2)           // false
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) {
    if (limit <= 0) return true
    for (const item of value) if (nestedDeeperThan(item, limit - 1)) return true
    return false
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  if (limit <= 0) return true
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true
  return false
}

function isZod(value: unknown): value is ZodLike {
  const def = (value as { _zod?: { def?: { type?: unknown } } } | null)?._zod?.def
  return typeof def?.type === 'string'
}

/** `seen` holds each visited node's answer, `undefined` while it is being explored (a cycle). */
function unbounded(node: ZodLike, seen: Map<ZodLike, boolean | undefined>): boolean {
  const def = node._zod.def
  if (LEAVES.has(def.type)) return false
  if (seen.has(node)) return seen.get(node) ?? true
  seen.set(node, undefined)
  const open = (child: unknown): boolean => child != null && (!isZod(child) || unbounded(child, seen))
  const result = children(def).some(open)
  seen.set(node, result)
  return result
}

function children(def: ZodLike['_zod']['def']): unknown[] {
  if (WRAPPERS.has(def.type)) return [def.innerType]
  switch (def.type) {
    case 'object':
      return [...Object.values(def.shape as Record<string, unknown>), catchall(def.catchall)]
    case 'array':
    case 'set':
      return [def.element ?? def.valueType]
    case 'tuple':
      return [...(def.items as unknown[]), def.rest]
    case 'record':
    case 'map':
      return [def.keyType, def.valueType]
    case 'union':
      return [...(def.options as unknown[])]
    case 'intersection':
      return [def.left, def.right]
    case 'pipe':
      return [def.in]
    default:
      return [UNBOUNDED]
  }
}

const UNBOUNDED: unknown = {}

function catchall(schema: unknown): unknown {
  return isZod(schema) && schema._zod.def.type === 'never' ? undefined : schema
}
