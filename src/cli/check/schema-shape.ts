import { isDeepStrictEqual } from 'node:util'
import type { JsonSchema } from '../../define/schema.ts'

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$schema',
  '$id',
  'id',
  '$defs',
  'definitions',
])

/**
 * A JSON Schema seen as the values it accepts: any value, listed values (`enum`, `const`), one
 * schema per JSON type (`type: ['string', 'null']` and `anyOf` of types become one branch per
 * type), and `opaque` parts it cannot take apart (an `anyOf` with other keywords beside it).
 *
 * @example
 * shapeOf({ type: ['string', 'null'] }, root).types // Map { 'string' => [{ type: 'string' }], 'null' => [...] }
 */
export interface Shape {
  readonly any: boolean
  readonly values: readonly unknown[] | undefined
  readonly types: ReadonlyMap<string, readonly JsonSchema[]>
  readonly opaque: readonly JsonSchema[]
}

/**
 * A schema node without annotations (`title`, `description`, `default`…), `true` as `{}`, `false`
 * as `{ not: {} }`, and a local `$ref` (`#`, `#/$defs/x`) replaced by what it points to in `root`.
 *
 * @example
 * normalize({ $ref: '#/$defs/City' }, { $defs: { City: { type: 'string' } } }) // { type: 'string' }
 */
export function normalize(node: unknown, root: JsonSchema): JsonSchema {
  let current: unknown = node
  for (let hops = 0; hops < 32; hops++) {
    if (current === true || current === undefined) return {}
    if (current === false) return { not: {} }
    const schema = current as JsonSchema
    const ref = schema.$ref
    if (typeof ref !== 'string' || !ref.startsWith('#')) return stripAnnotations(schema)
    const rest = stripAnnotations(schema)
    delete rest.$ref
    const target = pointer(root, ref)
    if (target === undefined || Object.keys(rest).length > 0) return stripAnnotations(schema)
    current = target
  }
  return stripAnnotations(current as JsonSchema)
}

function stripAnnotations(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !ANNOTATIONS.has(key)))
}

function pointer(root: JsonSchema, ref: string): unknown {
  const steps = ref
    .slice(1)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replaceAll('~1', '/').replaceAll('~0', '~'))
  let at: unknown = root
  for (const step of steps) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, step)) return undefined
    at = (at as Record<string, unknown>)[step]
  }
  return at
}

/**
 * The {@link Shape} of a normalized schema node.
 *
 * @example
 * shapeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] }, root).types.size // 2
 */
export function shapeOf(node: JsonSchema, root: JsonSchema): Shape {
  const union = (node.anyOf ?? node.oneOf) as unknown[] | undefined
  if (Array.isArray(union)) {
    const others = Object.keys(node).filter((k) => k !== 'anyOf' && k !== 'oneOf')
    if (others.length > 0) return { any: false, values: undefined, types: new Map(), opaque: [node] }
    return merge(union.map((member) => shapeOf(normalize(member, root), root)))
  }
  if (Object.keys(node).length === 0) return { any: true, values: undefined, types: new Map(), opaque: [] }
  if (isDeepStrictEqual(node, { not: {} })) return { any: false, values: [], types: new Map(), opaque: [] }
  if (node.enum !== undefined || node.const !== undefined) {
    const values = Array.isArray(node.enum) ? node.enum : [node.const]
    const others = Object.keys(node).filter((k) => k !== 'enum' && k !== 'const' && k !== 'type')
    if (others.length > 0) return { any: false, values: undefined, types: new Map(), opaque: [node] }
    return { any: false, values, types: new Map(), opaque: [] }
  }
  const declared = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type : implied(node)
  if (declared.length === 0) return { any: false, values: undefined, types: new Map(), opaque: [node] }
  const types = new Map(declared.map((t: string) => [t, [{ ...node, type: t }]]))
  return { any: false, values: undefined, types, opaque: [] }
}

function implied(node: JsonSchema): string[] {
  if (node.properties !== undefined || node.additionalProperties !== undefined) return ['object']
  if (node.items !== undefined || node.prefixItems !== undefined) return ['array']
  return []
}

function merge(shapes: readonly Shape[]): Shape {
  const types = new Map<string, JsonSchema[]>()
  for (const shape of shapes) for (const [t, list] of shape.types) types.set(t, [...(types.get(t) ?? []), ...list])
  const listed = shapes.filter((s) => s.values !== undefined)
  return {
    any: shapes.some((s) => s.any),
    values: listed.length === 0 ? undefined : listed.flatMap((s) => s.values as unknown[]),
    types,
    opaque: shapes.flatMap((s) => s.opaque),
  }
}

/**
 * The JSON type of a value as a schema names it (`integer` for whole numbers).
 *
 * @example
 * jsonTypeOf(3) // 'integer'
 */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/**
 * Whether a shape accepts every value of JSON type `type` (bounds aside): `integer` is accepted by
 * `number`.
 *
 * @example
 * acceptsType(shapeOf({ type: 'number' }, {}), 'integer') // true
 */
export function acceptsType(shape: Shape, type: string): boolean {
  return shape.any || shape.types.has(type) || (type === 'integer' && shape.types.has('number'))
}

/**
 * Whether a shape accepts a value (bounds aside).
 *
 * @example
 * acceptsValue(shapeOf({ enum: ['a', 'b'] }, {}), 'a') // true
 */
export function acceptsValue(shape: Shape, value: unknown): boolean {
  return (shape.values?.some((v) => isDeepStrictEqual(v, value)) ?? false) || acceptsType(shape, jsonTypeOf(value))
}
