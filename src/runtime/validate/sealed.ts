/** Brands values sealed by {@link sealInput}; module-private, so no other code can forge it. */
const SEALED: unique symbol = Symbol('nanoweb.sealed-input')

/**
 * Deep-freezes a plain JSON-like value and brands it as sealed (a part that was frozen by
 * someone else leaves it unbranded: it may hide something mutable): nothing can change it any more,
 * so what was learnt about it once (it passed a schema, its cache key) stays true, and the call
 * path may remember it instead of checking and serialising it again. Used for inputs that repeat
 * (a page slot's attributes). Returns the same value.
 *
 * @example
 * const input = sealInput({ city: 'Leeds', days: 5 })
 * isSealed(input) // true
 */
export function sealInput<T>(value: T): T {
  seal(value)
  return value
}

/** Seals `value` and answers whether it is now immutable all the way down. */
function seal(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'function'
  if (isSealed(value)) return true
  if (Object.isFrozen(value)) return false
  let sealed = true
  for (const key of Object.keys(value)) if (!seal((value as Record<string, unknown>)[key])) sealed = false
  if (sealed) Object.defineProperty(value, SEALED, { value: new Map<SealedMemo<unknown>, unknown>() })
  Object.freeze(value)
  return sealed
}

/**
 * True for a value made by {@link sealInput}.
 *
 * @example
 * isSealed({}) // false
 */
export function isSealed(value: unknown): value is object {
  return typeof value === 'object' && value !== null && (value as { [SEALED]?: unknown })[SEALED] !== undefined
}

/**
 * What is known of sealed values, kept on the values themselves (each sealed value holds a small
 * map from memo to fact), so it goes when they go and a look-up costs one property read and one
 * map read.
 *
 * @example
 * const keys = new SealedMemo<string>()
 * keys.get(input) ?? keys.set(input, stringify(input))
 */
export class SealedMemo<T> {
  /** What this memo knows of a sealed `value`, if anything. */
  get(value: object): T | undefined {
    return factsOf(value).get(this) as T | undefined
  }

  /** Records `known` for a sealed `value`; returns it. */
  set(value: object, known: T): T {
    factsOf(value).set(this, known)
    return known
  }
}

function factsOf(value: object): Map<SealedMemo<unknown>, unknown> {
  return (value as { [SEALED]: Map<SealedMemo<unknown>, unknown> })[SEALED]
}
