import { isDeepStrictEqual } from 'node:util'
import type { JsonSchema } from '../../define/schema.ts'

const LOWER = ['minLength', 'minItems', 'minimum', 'exclusiveMinimum', 'minProperties']
const UPPER = ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum', 'maxProperties']
const EXACT = ['pattern', 'format', 'contentEncoding', 'contentMediaType']

/**
 * The keywords {@link compareBounds} compares.
 *
 * @example
 * BOUND_KEYWORDS.includes('maxLength') // true
 */
export const BOUND_KEYWORDS: readonly string[] = [...LOWER, ...UPPER, ...EXACT, 'multipleOf', 'uniqueItems']

/**
 * Receives one change found at the current place: `narrowed`, `widened` or `changed`, and what.
 *
 * @example
 * const push: Push = (kind, detail) => out.push({ kind, path, detail })
 */
export type Push = (kind: 'narrowed' | 'widened' | 'changed', detail: string) => void

/**
 * Compares the bounds of two schemas of the same type: a lower bound (`minLength`, `minimum`…)
 * added or raised narrows, lowered or removed widens, and the other way round for upper ones;
 * `pattern` and `format` added narrow, removed widen, replaced change; `multipleOf` and
 * `uniqueItems` likewise. The safe-integer limits zod writes for `.int()` are no bound.
 *
 * @example
 * compareBounds(push, { maxLength: 5 }, { maxLength: 3 }) // push('narrowed', 'maxLength lowered from 5 to 3')
 */
export function compareBounds(push: Push, b: JsonSchema, a: JsonSchema): void {
  for (const key of LOWER) bound(push, key, b[key], a[key], 1)
  for (const key of UPPER) bound(push, key, b[key], a[key], -1)
  for (const key of EXACT) {
    if (isDeepStrictEqual(b[key], a[key])) continue
    if (b[key] === undefined) push('narrowed', `${key} ${show(a[key])} added`)
    else if (a[key] === undefined) push('widened', `${key} ${show(b[key])} removed`)
    else push('changed', `${key} ${show(b[key])} → ${show(a[key])}`)
  }
  multipleOf(push, b.multipleOf, a.multipleOf)
  if ((b.uniqueItems === true) !== (a.uniqueItems === true)) {
    push(a.uniqueItems === true ? 'narrowed' : 'widened', `uniqueItems ${a.uniqueItems === true ? 'added' : 'removed'}`)
  }
}

/**
 * A value as a message shows it (JSON).
 *
 * @example
 * show('a') // '"a"'
 */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value)
}

/** A bound: `direction` 1 for lower bounds (raising narrows), -1 for upper ones. */
function bound(push: Push, key: string, rawBefore: unknown, rawAfter: unknown, direction: 1 | -1): void {
  const before = unbounded(rawBefore)
  const after = unbounded(rawAfter)
  if (before === after) return
  if (typeof before !== 'number' && typeof after !== 'number') return
  if (typeof before !== 'number') push('narrowed', `${key} ${show(after)} added`)
  else if (typeof after !== 'number') push('widened', `${key} ${before} removed`)
  else tightened(push, key, before, after, direction)
}

function tightened(push: Push, key: string, before: number, after: number, direction: 1 | -1): void {
  const tighter = (after - before) * direction > 0
  push(
    tighter ? 'narrowed' : 'widened',
    `${key} ${(direction === 1) === tighter ? 'raised' : 'lowered'} from ${before} to ${after}`,
  )
}

/** The safe-integer limits zod writes for `.int()` say no more than "an integer": no bound. */
function unbounded(value: unknown): unknown {
  return value === Number.MAX_SAFE_INTEGER || value === Number.MIN_SAFE_INTEGER ? undefined : value
}

function multipleOf(push: Push, before: unknown, after: unknown): void {
  if (before === after) return
  if (typeof before !== 'number') push('narrowed', `multipleOf ${show(after)} added`)
  else if (typeof after !== 'number') push('widened', `multipleOf ${before} removed`)
  else if (Number.isInteger(before / after)) push('widened', `multipleOf ${before} → ${after}`)
  else if (Number.isInteger(after / before)) push('narrowed', `multipleOf ${before} → ${after}`)
  else push('changed', `multipleOf ${before} → ${after}`)
}
