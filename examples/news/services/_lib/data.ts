import { readFileSync } from 'node:fs'
import { z } from 'zod'

/**
 * Reads `data/<name>.json` now, checks it against `schema` and returns it frozen (cached results
 * are shared between callers). Call it at the top of a module, so the data is loaded and checked
 * when the service is imported, and no call pays for it. A file that does not match its schema
 * throws, naming the file and what is wrong.
 *
 * @example
 * const { roads } = readData('roads', z.object({ roads: z.record(z.string(), z.array(z.string())) }))
 */
export function readData<S extends z.ZodType>(name: string, schema: S): z.output<S> {
  const text = readFileSync(new URL(`../../data/${name}.json`, import.meta.url), 'utf8')
  const parsed = schema.safeParse(JSON.parse(text))
  if (!parsed.success) throw new Error(`data/${name}.json does not match its schema:\n${z.prettifyError(parsed.error)}`)
  return deepFreeze(parsed.data)
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
