import type { StandardSchemaV1 } from '@standard-schema/spec'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import { NanoError } from '../define/errors.ts'
import { type JsonSchema, OWN_CHECK } from '../define/schema.ts'
import { SERVICE_BRAND, type ServiceDefinition } from '../define/service.ts'
import type { Context } from '../define/types.ts'
import type { IsolateDescription } from './wire.ts'

const MAX_SCHEMA_CHARS = 256 * 1024
/** Keywords the host leaves to the isolate: regular expressions from untrusted code could hang the host (ReDoS). */
const ISOLATE_ONLY = new Set(['pattern', 'patternProperties', 'format', 'propertyNames'])

const ajv = new Ajv2020({
  strict: false,
  allErrors: false,
  validateFormats: false,
  addUsedSchema: false,
  logger: false,
})

/**
 * The host-side definition of an untrusted service, made from what its isolate described: the
 * same settings as a trusted one (kind, visibility, cache, timeout, uses, policy, a fragment's
 * assets and live policy) and JSON Schemas for the catalog and OpenAPI. Input and output are
 * checked on the host with ajv (besides zod inside the isolate); `run` runs the call in the
 * isolate.
 *
 * @example
 * const def = hostDefinition(description, 'services/plugins/x.ts', (input, ctx) => isolate.call(input, ctx))
 */
export function hostDefinition(
  described: IsolateDescription,
  file: string,
  run: (input: unknown, ctx: Context<string>) => unknown,
): ServiceDefinition {
  if (described.accessIsFunction)
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${file}: an untrusted service's \`access\` must be 'public', 'user' or { roles: [...] }: a function would run outside its isolate`,
    )
  const base = {
    [SERVICE_BRAND]: true as const,
    kind: described.kind,
    description: described.description,
    input: checkedSchema(described.input, file, 'input'),
    output: checkedSchema(described.output, file, 'output'),
    uses: Object.freeze([...described.uses]),
    cache: described.cache,
    timeout: described.timeout,
    visibility: described.visibility,
    idempotent: described.idempotent,
    policy: Object.freeze({ ...described.policy, trust: 'untrusted' as const }),
    run,
  }
  const fragment = described.fragment
  return Object.freeze(fragment === undefined ? base : { ...base, ...fragment }) as ServiceDefinition
}

function checkedSchema(schema: JsonSchema, file: string, io: 'input' | 'output'): StandardSchemaV1 {
  let check: ValidateFunction
  try {
    check = compiled(schema)
  } catch (error) {
    throw new NanoError(
      'NANO_E_BAD_DEFINITION',
      `${file}: the JSON Schema of its ${io} cannot be used: ${(error as Error).message}`,
      { cause: error },
    )
  }
  const fast = (value: unknown): boolean => check(value) as boolean
  const validate = (value: unknown): StandardSchemaV1.Result<unknown> =>
    check(value) ? { value } : { issues: (check.errors ?? []).map(toIssue) }
  return {
    '~standard': {
      version: 1,
      vendor: 'nanoweb-isolate',
      validate,
      jsonSchema: { input: () => schema, output: () => schema },
    },
    [OWN_CHECK]: fast,
  } as StandardSchemaV1
}

const byText = new Map<string, ValidateFunction>()

/** One compiled check per distinct schema text, shared by every service (and runtime) that has it. */
function compiled(schema: JsonSchema): ValidateFunction {
  const part = hostPart(schema) as JsonSchema
  const text = JSON.stringify(part)
  if (text.length > MAX_SCHEMA_CHARS) throw new Error('it is larger than 256 KB')
  let check = byText.get(text)
  if (check === undefined) {
    check = ajv.compile(part)
    byText.set(text, check)
  }
  return check
}

function toIssue(error: ErrorObject): StandardSchemaV1.Issue {
  const path = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(unescapePointer)
  return { message: error.message ?? 'is not valid', path }
}

function unescapePointer(part: string): string {
  return part.replaceAll('~1', '/').replaceAll('~0', '~')
}

const DATA = new Set(['const', 'enum', 'default', 'examples', 'required'])
const NAMED_SCHEMAS = new Set(['properties', '$defs', 'definitions', 'dependentSchemas'])

function hostPart(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(hostPart)
  if (typeof node !== 'object' || node === null) return node
  const out: [string, unknown][] = []
  for (const [key, value] of Object.entries(node)) {
    if (ISOLATE_ONLY.has(key)) continue
    if (DATA.has(key)) out.push([key, value])
    else if (NAMED_SCHEMAS.has(key) && typeof value === 'object' && value !== null)
      out.push([key, Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, hostPart(schema)]))])
    else out.push([key, hostPart(value)])
  }
  return Object.fromEntries(out)
}
