import type { JsonSchema } from './schema.ts'

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * The JSON types a schema allows (following `anyOf`/`oneOf`).
 *
 * @example
 * typesOf({ type: ['string', 'null'] }) // ['string', 'null']
 */
export function typesOf(schema: JsonSchema): string[] {
  const type = schema.type
  if (typeof type === 'string') return [type]
  if (Array.isArray(type)) return type as string[]
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  return anyOf === undefined ? [] : anyOf.flatMap(typesOf)
}

/**
 * Converts text from a URL or an HTML attribute to the type its JSON Schema wants, when it reads
 * as one: numbers, booleans (`true`/`false`/`1`/`0`, and an empty value, as in a bare HTML
 * attribute, is `true`), `null`. Anything else stays text, so the
 * schema itself reports what is wrong.
 *
 * @example
 * coerceText('5', { type: 'integer' }) // 5
 * coerceText('five', { type: 'integer' }) // 'five'
 */
export function coerceText(value: string, schema: JsonSchema): unknown {
  const types = typesOf(schema)
  if (types.includes('string')) return value
  if ((types.includes('number') || types.includes('integer')) && NUMBER.test(value)) return Number(value)
  if (types.includes('boolean')) {
    if (value === 'true' || value === '1' || value === '') return true
    if (value === 'false' || value === '0') return false
  }
  if (types.includes('null') && value === 'null') return null
  return value
}

/**
 * The schema of property `name` of an object schema, or `{}` (also for names such as
 * `constructor` or `__proto__` that the schema does not declare itself).
 *
 * @example
 * propertySchema({ properties: { city: { type: 'string' } } }, 'city') // { type: 'string' }
 */
export function propertySchema(schema: JsonSchema, name: string): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined
  return properties !== undefined && Object.hasOwn(properties, name) ? (properties[name] as JsonSchema) : {}
}
