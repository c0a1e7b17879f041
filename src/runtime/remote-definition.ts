import type { StandardSchemaV1 } from '@standard-schema/spec'
import { NanoError } from '../define/errors.ts'
import type { JsonSchema } from '../define/schema.ts'
import { SERVICE_BRAND, type ServiceDefinition } from '../define/service.ts'
import { catalogEntry } from '../registry/catalog.ts'
import type { ServiceDescription } from './ports.ts'
import type { PreparedService } from './prepare.ts'
import type { Checker, JsonCheckerCompiler } from './validate/json-checker.ts'

/**
 * What the other nodes learn of a service this runtime runs: its catalog entry, its version and,
 * for a fragment, what a page needs to place it (assets, vary, live policy).
 *
 * @example
 * const description = describeService(prepared, 'services/geo/lookup.ts')
 */
export function describeService(svc: PreparedService, file: string): ServiceDescription {
  const def = svc.definition as ServiceDefinition & Partial<FragmentParts>
  const fragment =
    def.kind === 'fragment' ? { css: def.css ?? [], js: def.js ?? [], vary: def.vary ?? [], live: def.live } : undefined
  return { ...catalogEntry(svc.name, file, def), version: svc.version, fragment }
}

interface FragmentParts {
  readonly css: readonly string[]
  readonly js: readonly string[]
  readonly vary: NonNullable<ServiceDescription['fragment']>['vary']
  readonly live: NonNullable<ServiceDescription['fragment']>['live']
}

/**
 * A definition standing for a service another node runs, made from its description: enough for
 * the gateway and pages (kind, visibility, methods, schemas as JSON Schema, cache policy, a
 * fragment's assets and live policy). Its input schema checks with the JSON Schema (no
 * defaults or coercion: the node that runs the service validates for real), compiled in the
 * background after its first use ({@link JsonCheckerCompiler.later}); until then it lets every
 * value through, so no page pays for compiling it. Its `run` is never called, since calls to it
 * go over the transport.
 *
 * @example
 * const def = remoteDefinition(description, new JsonCheckerCompiler())
 * def.idempotent // as the remote node declared it
 */
export function remoteDefinition(description: ServiceDescription, compiler: JsonCheckerCompiler): ServiceDefinition {
  const { name, fragment } = description
  const base = {
    [SERVICE_BRAND]: true as const,
    kind: description.kind,
    description: description.description,
    input: jsonSchemaType(description.input, compiler, name),
    output: jsonSchemaType(description.output, undefined, name),
    uses: description.uses,
    cache:
      description.cache === undefined
        ? undefined
        : {
            ttl: description.cache.ttlMs,
            staleWhileRevalidate: description.cache.staleWhileRevalidateMs,
            staleIfError: description.cache.staleIfErrorMs,
          },
    timeout: description.timeoutMs,
    visibility: description.visibility,
    idempotent: description.idempotent,
    policy: {},
    run(): never {
      throw new NanoError('NANO_E_INTERNAL', `'${name}' runs on another node`)
    },
  }
  return Object.freeze(fragment === undefined ? base : { ...base, ...fragment }) as ServiceDefinition
}

function jsonSchemaType(
  schema: JsonSchema,
  compiler: JsonCheckerCompiler | undefined,
  name: string,
): StandardSchemaV1 & { '~standard': { jsonSchema: object } } {
  let check: Checker | undefined
  let asked = false
  const compile = (): void => {
    try {
      check = (compiler as JsonCheckerCompiler).compile(schema)
    } catch {
      check = () => true
    }
  }
  const validate = (value: unknown): StandardSchemaV1.Result<unknown> => {
    if (compiler === undefined) return { value }
    if (check === undefined) {
      if (!asked) compiler.later(compile)
      asked = true
      return { value }
    }
    return check(value) ? { value } : { issues: [{ message: `does not match the input schema of '${name}'` }] }
  }
  return {
    '~standard': {
      version: 1,
      vendor: 'nanoweb-remote',
      validate,
      jsonSchema: { input: () => schema, output: () => schema },
    },
  }
}
