import { isDeepStrictEqual } from 'node:util'
import type { JsonSchema } from '../../define/schema.ts'
import { BOUND_KEYWORDS, compareBounds, show } from './schema-bounds.ts'
import { acceptsType, acceptsValue, normalize, type Shape, shapeOf } from './schema-shape.ts'

/**
 * What changed at one place of a schema, from `before` to `after`: it accepts less (`narrowed`),
 * more (`widened`), other values (`changed`), a field came or went or changed whether it is
 * required, or the comparer cannot tell (`unknown`: a construct it does not take apart changed).
 *
 * @example
 * const c: SchemaChange = { kind: 'narrowed', path: 'city', detail: 'minLength 3 added' }
 */
export interface SchemaChange {
  readonly kind:
    | 'narrowed'
    | 'widened'
    | 'changed'
    | 'unknown'
    | 'field-added-required'
    | 'field-added-optional'
    | 'field-removed'
    | 'field-refused'
    | 'became-required'
    | 'became-optional'
  /** `''` for the whole value, `a.b` for fields, `a[]` for array items, `a.*` for record values. */
  readonly path: string
  readonly detail: string
}

interface Context {
  readonly before: JsonSchema
  readonly after: JsonSchema
  /** The pairs of `$ref`s being compared right now: a recursive schema is followed one level. */
  readonly seen: Set<string>
  readonly out: SchemaChange[]
}

/**
 * Compares two JSON Schemas (draft 2020-12, as zod writes them) place by place: types and
 * unions, `enum`/`const`, string, number and array bounds, `pattern`/`format`, object fields
 * (recursively; a field removed from an object that refuses other fields is `field-refused`), array items, record values and local `$ref`s. Anything else that differs is
 * reported as `unknown`, never passed silently.
 *
 * @example
 * diffSchemas({ type: 'string' }, { type: 'string', minLength: 3 }) // [{ kind: 'narrowed', path: '', detail: 'minLength 3 added' }]
 */
export function diffSchemas(before: JsonSchema, after: JsonSchema): SchemaChange[] {
  const context: Context = { before, after, seen: new Set(), out: [] }
  compare(context, before, after, '')
  return context.out
}

function compare(context: Context, rawBefore: unknown, rawAfter: unknown, path: string): void {
  const refs = `${(rawBefore as JsonSchema | undefined)?.$ref}|${(rawAfter as JsonSchema | undefined)?.$ref}`
  if (context.seen.has(refs)) return
  const followed = refs !== 'undefined|undefined'
  if (followed) context.seen.add(refs)
  compareNode(context, rawBefore, rawAfter, path)
  if (followed) context.seen.delete(refs)
}

function compareNode(context: Context, rawBefore: unknown, rawAfter: unknown, path: string): void {
  const b = normalize(rawBefore, context.before)
  const a = normalize(rawAfter, context.after)
  if (isDeepStrictEqual(b, a) && !refersOut(context, b)) return
  const push = (kind: SchemaChange['kind'], detail: string): void => void context.out.push({ kind, path, detail })
  const sb = shapeOf(b, context.before)
  const sa = shapeOf(a, context.after)
  if (!isDeepStrictEqual(sb.opaque, sa.opaque)) {
    push('unknown', 'a union with extra keywords, or a schema without a type, changed')
    return
  }
  if (sb.any || sa.any) {
    if (!sb.any) push('widened', 'now accepts any value')
    else if (!sa.any) push('narrowed', `was any value, now ${describe(sa)}`)
    return
  }
  compareKinds(push, sb, sa)
  for (const [t, list] of sb.types) {
    const other = sa.types.get(t) ?? crossNumber(t, sa)
    if (other === undefined) continue
    if (list.length === 1 && other.length === 1)
      compareBranch(context, t, list[0] as JsonSchema, other[0] as JsonSchema, path)
    else if (!isDeepStrictEqual(list, other)) push('unknown', `a union of several ${t} schemas changed`)
  }
}

/** What the two sides accept by type and listed value: types or values lost narrow, gained widen. */
function compareKinds(push: (kind: SchemaChange['kind'], detail: string) => void, sb: Shape, sa: Shape): void {
  const lostValues = (sb.values ?? []).filter((v) => !acceptsValue(sa, v))
  const gainedValues = (sa.values ?? []).filter((v) => !acceptsValue(sb, v))
  const lostTypes = [...sb.types.keys()].filter((t) => !acceptsType(sa, t))
  const gainedTypes = [...sa.types.keys()].filter((t) => !acceptsType(sb, t))
  const listed = sb.values !== undefined || sa.values !== undefined
  if (lostTypes.length > 0 && gainedTypes.length > 0 && !listed) {
    push('changed', `type ${describe(sb)} → ${describe(sa)}`)
  } else {
    if (lostValues.length > 0) push('narrowed', `no longer accepts ${lostValues.map(show).join(', ')}`)
    if (gainedValues.length > 0) push('widened', `now also accepts ${gainedValues.map(show).join(', ')}`)
    for (const t of lostTypes) push('narrowed', lostTypeDetail(t, sa))
    for (const t of gainedTypes)
      push(
        'widened',
        `now accepts ${t === 'number' && sb.types.has('integer') ? 'any number, not only integers' : `a ${t}`}${sb.values !== undefined ? ` (was one of ${sb.values.map(show).join(', ')})` : ''}`,
      )
  }
}

/**
 * Whether equal text may still mean different schemas: it holds a `$ref` to the whole schema, or
 * to definitions that differ between the two sides.
 */
function refersOut(context: Context, node: JsonSchema): boolean {
  const text = JSON.stringify(node)
  if (!text.includes('"$ref"')) return false
  const sameDefinitions =
    isDeepStrictEqual(context.before.$defs, context.after.$defs) &&
    isDeepStrictEqual(context.before.definitions, context.after.definitions)
  return !sameDefinitions || text.includes('"$ref":"#"')
}

function crossNumber(type: string, shape: Shape): readonly JsonSchema[] | undefined {
  if (type === 'integer') return shape.types.get('number')
  if (type === 'number') return shape.types.get('integer')
  return undefined
}

function lostTypeDetail(type: string, after: Shape): string {
  if (type === 'number' && after.types.has('integer')) return 'now accepts only whole numbers'
  if (after.values !== undefined) return `no longer accepts any ${type}, only ${after.values.map(show).join(', ')}`
  return `no longer accepts a ${type}`
}

function describe(shape: Shape): string {
  const parts = [...shape.types.keys(), ...(shape.values ?? []).map(show)]
  return parts.length === 0 ? 'nothing' : parts.join(' | ')
}

const HANDLED = new Set([
  'type',
  ...BOUND_KEYWORDS,
  'items',
  'prefixItems',
  'properties',
  'required',
  'additionalProperties',
])

function compareBranch(context: Context, type: string, b: JsonSchema, a: JsonSchema, path: string): void {
  const push = (kind: SchemaChange['kind'], detail: string): void => void context.out.push({ kind, path, detail })
  compareBounds(push, b, a)
  if (type === 'array') compareItems(context, b, a, path)
  if (type === 'object') compareObject(context, b, a, path)
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (HANDLED.has(key) || isDeepStrictEqual(b[key], a[key])) continue
    push('unknown', `keyword '${key}' changed: ${show(b[key])} → ${show(a[key])}`)
  }
}

function compareItems(context: Context, b: JsonSchema, a: JsonSchema, path: string): void {
  const bp = Array.isArray(b.prefixItems) ? b.prefixItems : []
  const ap = Array.isArray(a.prefixItems) ? a.prefixItems : []
  for (let i = 0; i < Math.max(bp.length, ap.length); i++) {
    compare(context, bp[i] ?? b.items, ap[i] ?? a.items, `${path}[${i}]`)
  }
  compare(context, b.items, a.items, `${path}[]`)
}

function compareObject(context: Context, b: JsonSchema, a: JsonSchema, path: string): void {
  const push = (kind: SchemaChange['kind'], at: string, detail: string): void =>
    void context.out.push({ kind, path: at, detail })
  const bp = (b.properties ?? {}) as Record<string, unknown>
  const ap = (a.properties ?? {}) as Record<string, unknown>
  const bRequired = new Set((b.required ?? []) as string[])
  const aRequired = new Set((a.required ?? []) as string[])
  const closed = a.additionalProperties === false
  for (const key of Object.keys(ap)) {
    if (Object.hasOwn(bp, key)) continue
    const required = aRequired.has(key)
    push(
      required ? 'field-added-required' : 'field-added-optional',
      child(path, key),
      `added as ${required ? 'required' : 'optional'}`,
    )
  }
  for (const key of Object.keys(bp)) {
    const at = child(path, key)
    if (!Object.hasOwn(ap, key)) {
      if (closed) push('field-refused', at, 'removed')
      else push('field-removed', at, 'removed')
      continue
    }
    compare(context, bp[key], ap[key], at)
    if (bRequired.has(key) && !aRequired.has(key)) push('became-optional', at, 'is now optional')
    if (!bRequired.has(key) && aRequired.has(key)) push('became-required', at, 'is now required')
  }
  const bOpen = b.additionalProperties
  const aOpen = a.additionalProperties
  if (isDeepStrictEqual(bOpen, aOpen)) return
  if (aOpen === false) push('narrowed', path, 'fields not listed are now refused')
  else if (bOpen === false) push('widened', path, 'fields not listed are now accepted')
  else compare(context, bOpen ?? {}, aOpen ?? {}, child(path, '*'))
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}
