import type { StandardSchemaV1 } from '@standard-schema/spec'
import { toMs } from '../../define/duration.ts'
import { isNanoError, NanoError } from '../../define/errors.ts'
import { type FragmentDefinition, isFragment } from '../../define/fragment.ts'
import { toIssues } from '../../define/schema.ts'
import type { ServiceDefinition } from '../../define/service.ts'
import type { Caller } from '../../runtime/ports.ts'
import { MAX_NESTING, nestedDeeperThan } from '../../runtime/validate/nesting.ts'
import { isSealed, SealedMemo } from '../../runtime/validate/sealed.ts'
import { instanceId, type LiveClaim, readInstanceId } from './instance.ts'

/**
 * Checks an instance id a client sent, storing nothing: it must name a public live fragment,
 * its input must pass the fragment's input schema, and it must be the canonical id of the
 * validated input (so that extra keys cannot make new instances of one fragment and input).
 * Rejects with `NANO_E_NOT_FOUND`, `NANO_E_INVALID_INPUT` or `NANO_E_BAD_REQUEST`.
 *
 * @example
 * const claim = await claimId(caller, 'sport/score-box~eyJtYXRjaCI6InI3In0')
 */
export async function claimId(caller: Caller, id: string): Promise<LiveClaim> {
  const named = readInstanceId(id)
  const def = named === undefined ? undefined : await caller.resolve(named.name).catch(() => undefined)
  if (named === undefined || def === undefined || !isPublicLive(def)) {
    throw new NanoError('NANO_E_NOT_FOUND', `No live fragment instance '${short(id)}'`)
  }
  const value = await validated(def, named.name, named.input)
  const canonical = instanceId(named.name, value)
  if (canonical !== id) {
    throw new NanoError(
      'NANO_E_BAD_REQUEST',
      `'${short(id)}' is not the id of its input as '${named.name}' reads it: use '${short(canonical)}'`,
    )
  }
  return claimOf(def, named.name, value, canonical)
}

/**
 * The claim for an instance a page is showing (its fragment is loaded: the page just rendered
 * it), or undefined when the input does not pass the schema. A schema that validates only
 * asynchronously cannot be read here: the id is then made from the input as given.
 *
 * @example
 * const claim = claimShown(caller, 'sport/score-box', { match: 'r7' })
 */
export function claimShown(caller: Caller, name: string, input: unknown): LiveClaim | undefined {
  const def = caller.loaded(name)
  if (def === undefined || !isPublicLive(def)) return undefined
  if (!isSealed(input)) return claimChecked(def, name, input)
  let known = sealedClaims.get(def)
  if (known === undefined) {
    known = new SealedMemo<LiveClaim | null>()
    sealedClaims.set(def, known)
  }
  const claim = known.get(input)
  if (claim !== undefined) return claim ?? undefined
  return known.set(input, claimChecked(def, name, input) ?? null) ?? undefined
}

/** Claims of sealed inputs (they cannot change), per fragment definition: checked once each. */
const sealedClaims = new WeakMap<FragmentDefinition, SealedMemo<LiveClaim | null>>()

function claimChecked(def: FragmentDefinition, name: string, input: unknown): LiveClaim | undefined {
  if (nestedDeeperThan(input, MAX_NESTING)) return undefined
  try {
    const result = def.input['~standard'].validate(input)
    if (result instanceof Promise) {
      result.catch(() => {})
      return claimOf(def, name, input, instanceId(name, input))
    }
    return result.issues === undefined ? claimOf(def, name, result.value, instanceId(name, result.value)) : undefined
  } catch {
    return undefined
  }
}

async function validated(def: FragmentDefinition, name: string, input: unknown): Promise<unknown> {
  if (nestedDeeperThan(input, MAX_NESTING)) {
    throw new NanoError('NANO_E_INVALID_INPUT', `Invalid input for '${name}': nested too deeply`)
  }
  let result: StandardSchemaV1.Result<unknown>
  try {
    result = await def.input['~standard'].validate(input)
  } catch (error) {
    if (isNanoError(error)) throw error
    throw new NanoError('NANO_E_INVALID_INPUT', `Invalid input for '${name}': it could not be validated`)
  }
  if (result.issues === undefined) return result.value
  const issues = toIssues(result.issues)
  const first = issues[0]
  const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
  throw new NanoError('NANO_E_INVALID_INPUT', `Invalid input for '${name}': ${where}${first?.message ?? 'refused'}`, {
    issues,
    service: name,
  })
}

/**
 * A live fragment anyone may stream: public, and without an `access` rule (a re-render runs for
 * no request and reaches every viewer, so a guarded fragment is shown without live updates).
 */
function isPublicLive(def: ServiceDefinition): def is FragmentDefinition {
  const access = def.policy?.access
  return (
    isFragment(def) &&
    def.live !== undefined &&
    def.visibility !== 'internal' &&
    (access === undefined || access === 'public')
  )
}

function claimOf(def: FragmentDefinition, name: string, input: unknown, id: string): LiveClaim {
  const policy = def.live as NonNullable<FragmentDefinition['live']>
  return { id, name, input, policy, timeoutMs: def.timeout === undefined ? undefined : toMs(def.timeout, 'timeout') }
}

function short(id: string): string {
  return id.length > 120 ? `${id.slice(0, 120)}…` : id
}
