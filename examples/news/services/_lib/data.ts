import { readFileSync } from 'node:fs'
import type { z } from 'zod'

/**
 * Returns a function that reads `data/<name>.json` on first use, checks it against `schema`,
 * freezes it (cached results are shared between callers) and keeps it.
 */
export function dataFile<S extends z.ZodType>(name: string, schema: S): () => z.output<S> {
  let value: z.output<S> | undefined
  return () => {
    if (value === undefined) {
      const text = readFileSync(new URL(`../../data/${name}.json`, import.meta.url), 'utf8')
      value = deepFreeze(schema.parse(JSON.parse(text)))
    }
    return value
  }
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
