import type { FragmentDefinition } from '../../define/fragment.ts'
import { exactJsonSchema } from '../../define/schema.ts'
import type { ServiceDefinition } from '../../define/service.ts'
import type { IsolateDescription } from '../wire.ts'

/**
 * A definition as plain data for the host: its settings, and its input and output as JSON Schema
 * (a fragment's output is a string of HTML). `access` crosses only as data.
 *
 * @example
 * JSON.stringify(describeDefinition(def))
 */
export function describeDefinition(def: ServiceDefinition): IsolateDescription {
  const { access, ...policy } = def.policy
  const accessIsFunction = typeof access === 'function'
  const fragment =
    def.kind === 'fragment'
      ? (({ css, js, vary, live }: FragmentDefinition) => ({ css, js, vary, live }))(def as FragmentDefinition)
      : undefined
  return {
    kind: def.kind,
    description: def.description,
    uses: def.uses,
    cache: def.cache,
    timeout: def.timeout,
    visibility: def.visibility,
    idempotent: def.idempotent,
    policy: accessIsFunction || access === undefined ? policy : { ...policy, access },
    accessIsFunction,
    input: exactJsonSchema(def.input, 'input') ?? {},
    output: fragment === undefined ? (exactJsonSchema(def.output, 'output') ?? {}) : { type: 'string' },
    fragment,
  }
}
