import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { SchemaIssue } from './errors.ts'

/**
 * A JSON Schema document (draft 2020-12), as plain data.
 *
 * @example
 * const s: JsonSchema = { type: 'object', properties: { city: { type: 'string' } } }
 */
export type JsonSchema = Record<string, unknown>

interface StandardJsonSchemaProps {
  readonly jsonSchema?: {
    input(options: { target: string }): JsonSchema
    output(options: { target: string }): JsonSchema
  }
}

/**
 * The JSON Schema of a Standard Schema, through the Standard JSON Schema interface that zod 4
 * and others implement. Returns `{}` (any value) when the library cannot express it.
 *
 * @example
 * toJsonSchema(z.object({ city: z.string() }), 'input') // { type: 'object', … }
 */
export function toJsonSchema(schema: StandardSchemaV1, io: 'input' | 'output'): JsonSchema {
  return exactJsonSchema(schema, io) ?? {}
}

/**
 * Like {@link toJsonSchema}, but `undefined` when the library cannot express the schema.
 *
 * @example
 * exactJsonSchema(z.date(), 'input') // undefined
 */
export function exactJsonSchema(schema: StandardSchemaV1, io: 'input' | 'output'): JsonSchema | undefined {
  const converter = (schema['~standard'] as StandardJsonSchemaProps).jsonSchema
  if (converter === undefined) return undefined
  try {
    const { $schema: _ignored, ...rest } = converter[io]({ target: 'draft-2020-12' })
    return rest
  } catch {
    return undefined
  }
}

/**
 * Turns Standard Schema issues into nanoweb's plain `{ path, message }` form.
 *
 * @example
 * toIssues(result.issues) // [{ path: ['city'], message: 'Required' }]
 */
export function toIssues(issues: readonly StandardSchemaV1.Issue[]): SchemaIssue[] {
  return issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => (typeof segment === 'object' ? toKey(segment.key) : toKey(segment))),
    message: issue.message,
  }))
}

function toKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key
}

/**
 * Where a schema made by nanoweb itself carries an exact, synchronous check of its own (true
 * exactly when `validate` would accept the value unchanged), so validation can skip the library.
 *
 * @example
 * const schema = { '~standard': { version: 1, vendor: 'me', validate }, [OWN_CHECK]: (v: unknown) => typeof v === 'string' }
 */
export const OWN_CHECK: unique symbol = Symbol.for('nanoweb.ownCheck') as never

/**
 * The exact check a nanoweb schema carries (see {@link OWN_CHECK}), or undefined.
 *
 * @example
 * ownCheckOf(HTML_OUTPUT)?.('<b>hi</b>') // true
 */
export function ownCheckOf(schema: StandardSchemaV1): ((value: unknown) => boolean) | undefined {
  const check = (schema as { [OWN_CHECK]?: unknown })[OWN_CHECK]
  return typeof check === 'function' ? (check as (value: unknown) => boolean) : undefined
}
