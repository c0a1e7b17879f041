import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * Runs a schema once on `{}` and forgets the result, so that what a validator compiles on its
 * first use (zod 4 generates the code of its object checks then) is compiled while the service
 * loads, outside any deadline, and not inside its first call: a cold page's fragments would
 * otherwise pay for it within their timeouts. A schema that throws, or answers asynchronously, is
 * left alone.
 *
 * @example
 * primeSchema(definition.input)
 */
export function primeSchema(schema: StandardSchemaV1): void {
  try {
    const result = schema['~standard'].validate({})
    if (result instanceof Promise) result.catch(() => {})
  } catch {}
}
