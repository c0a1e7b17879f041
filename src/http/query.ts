import { coerceText as coerce, propertySchema, typesOf } from '../define/coerce.ts'
import type { JsonSchema } from '../define/schema.ts'

/**
 * Turns a query string into a service input, guided by the input's JSON Schema: a parameter
 * whose property is a number, integer or boolean is converted when it reads as one (otherwise it
 * stays a string and the schema reports it); an array property collects repeated parameters.
 *
 * @example
 * queryToInput('limit=5&live=true&tag=a&tag=b', { type: 'object', properties: { limit: { type: 'integer' }, live: { type: 'boolean' }, tag: { type: 'array', items: { type: 'string' } } } })
 * // { limit: 5, live: true, tag: ['a', 'b'] }
 */
export function queryToInput(search: string, schema: JsonSchema): Record<string, unknown> {
  const params = new URLSearchParams(search)
  const input: Record<string, unknown> = {}
  for (const key of new Set(params.keys())) {
    const property = propertySchema(schema, key)
    const values = params.getAll(key)
    if (typesOf(property).includes('array')) {
      const items = (property.items ?? {}) as JsonSchema
      input[key] = values.map((v) => coerce(v, items))
    } else input[key] = coerce(values[values.length - 1] as string, property)
  }
  return input
}
