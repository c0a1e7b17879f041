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
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const input: Record<string, unknown> = {}
  for (const key of new Set(params.keys())) {
    const property = properties[key] ?? {}
    const values = params.getAll(key)
    if (typesOf(property).includes('array')) {
      const items = (property.items ?? {}) as JsonSchema
      input[key] = values.map((v) => coerce(v, items))
    } else input[key] = coerce(values[values.length - 1] as string, property)
  }
  return input
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema.type
  if (typeof type === 'string') return [type]
  if (Array.isArray(type)) return type as string[]
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  return anyOf === undefined ? [] : anyOf.flatMap(typesOf)
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

function coerce(value: string, schema: JsonSchema): unknown {
  const types = typesOf(schema)
  if (types.includes('string')) return value
  if ((types.includes('number') || types.includes('integer')) && NUMBER.test(value)) return Number(value)
  if (types.includes('boolean')) {
    if (value === 'true' || value === '1') return true
    if (value === 'false' || value === '0') return false
  }
  if (types.includes('null') && value === 'null') return null
  return value
}
