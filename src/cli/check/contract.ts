import { readFile } from 'node:fs/promises'
import { isDeepStrictEqual } from 'node:util'
import { NanoError } from '../../define/errors.ts'
import type { JsonSchema } from '../../define/schema.ts'
import type { CatalogEntry } from '../../registry/catalog.ts'
import { type Finding, finding, type RuleId } from './findings.ts'
import { diffSchemas, type SchemaChange } from './schema-diff.ts'

/**
 * The part of a catalog entry the contract comparison reads.
 *
 * @example
 * const e: ContractEntry = { name: 'a', visibility: 'public', idempotent: true, input: {}, output: {} }
 */
export type ContractEntry = Pick<CatalogEntry, 'name' | 'visibility' | 'idempotent' | 'input' | 'output' | 'access'>

/**
 * Reads a catalog saved from `GET /_nano/catalog` or `nanoweb ls --json` (`{ services: [...] }`,
 * or the bare array). Throws `NANO_E_BAD_CATALOG` when the file cannot be read, is not JSON, or
 * holds no catalog.
 *
 * @example
 * const saved = await readCatalog('catalog.json')
 */
export async function readCatalog(file: string): Promise<ContractEntry[]> {
  const bad = (why: string): NanoError =>
    new NanoError(
      'NANO_E_BAD_CATALOG',
      `--against ${file}: ${why}. Save one with \`nanoweb ls --json > ${file}\` or from GET /_nano/catalog`,
    )
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw bad(error.code === 'ENOENT' ? 'no such file' : `cannot be read (${error.message})`)
  })
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw bad(`not JSON (${(error as Error).message})`)
  }
  const services = Array.isArray(parsed) ? parsed : (parsed as { services?: unknown } | null)?.services
  if (!Array.isArray(services)) throw bad('not a catalog: expected { "services": [...] }')
  services.forEach((entry: unknown, i) => {
    const e = entry as Partial<ContractEntry> | null
    const ok =
      typeof e?.name === 'string' && isSchema(e.input) && isSchema(e.output) && typeof e.visibility === 'string'
    if (!ok) throw bad(`services[${i}] is not a catalog entry (name, visibility, input and output schemas)`)
  })
  return services as ContractEntry[]
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value))
}

/**
 * Contract findings between a saved catalog (`before`) and the project now (`after`): breaking
 * changes as errors (a service removed or made internal, GET lost, access changed, an input field added as
 * required, an input narrowed, an output field removed or changed), the others as info. A
 * service whose file does not load now (`broken`) is reported as broken, not as removed.
 *
 * @example
 * contractFindings(await readCatalog('catalog.json'), project.catalog, project.names)
 */
export function contractFindings(
  before: readonly ContractEntry[],
  after: readonly ContractEntry[],
  known: readonly string[],
): Finding[] {
  const now = new Map(after.map((entry) => [entry.name, entry]))
  const then = new Set(before.map((entry) => entry.name))
  const loads = new Set(known)
  const findings: Finding[] = []
  for (const old of before) {
    const service = old.name
    const current = now.get(service)
    if (current === undefined) {
      if (!loads.has(service))
        findings.push(
          finding('service-removed', `${service} was removed: its callers get NANO_E_NOT_FOUND`, { service }),
        )
      continue
    }
    if (old.visibility === 'public' && current.visibility === 'internal') {
      findings.push(finding('endpoint-removed', `${service} became internal: /api/${service} is gone`, { service }))
    } else if (old.visibility === 'public' && old.idempotent && !current.idempotent) {
      findings.push(
        finding('endpoint-removed', `${service} is no longer idempotent: GET /api/${service} is refused (405)`, {
          service,
        }),
      )
    }
    if (current.access !== undefined && !isDeepStrictEqual(old.access, current.access)) {
      const who = (access: ContractEntry['access']): string =>
        access === undefined ? 'anyone' : typeof access === 'string' ? access : `roles ${access.roles.join(', ')}`
      findings.push(
        finding(
          'access-changed',
          `${service} access changed from ${who(old.access)} to ${who(current.access)}: callers allowed before may be refused`,
          { service },
        ),
      )
    }
    for (const change of diffSchemas(old.input, current.input)) findings.push(described(service, 'input', change))
    for (const change of diffSchemas(old.output, current.output)) findings.push(described(service, 'output', change))
  }
  for (const entry of after) {
    if (!then.has(entry.name)) findings.push(finding('service-added', `${entry.name} is new`, { service: entry.name }))
  }
  return findings
}

const INPUT_RULES: Record<SchemaChange['kind'], RuleId> = {
  narrowed: 'input-narrowed',
  changed: 'input-narrowed',
  widened: 'input-widened',
  unknown: 'input-changed',
  'field-added-required': 'input-required-added',
  'became-required': 'input-required-added',
  'field-added-optional': 'optional-input-added',
  'became-optional': 'input-widened',
  'field-removed': 'input-removed',
  'field-refused': 'input-narrowed',
}

const OUTPUT_RULES: Record<SchemaChange['kind'], RuleId> = {
  narrowed: 'output-narrowed',
  changed: 'output-changed',
  widened: 'output-changed',
  unknown: 'output-changed',
  'field-added-required': 'output-added',
  'field-added-optional': 'output-added',
  'became-required': 'output-narrowed',
  'became-optional': 'output-changed',
  'field-removed': 'output-removed',
  'field-refused': 'output-removed',
}

const CONSEQUENCE: Partial<Record<RuleId, string>> = {
  'input-narrowed': 'callers sending what was valid before are refused',
  'input-required-added': 'callers that do not send it are refused',
  'input-changed': 'check cannot tell whether callers still fit; review it',
  'output-removed': 'consumers reading it break',
  'output-changed': 'consumers may get values they do not expect',
}

function described(service: string, io: 'input' | 'output', change: SchemaChange): Finding {
  const rule = (io === 'input' ? INPUT_RULES : OUTPUT_RULES)[change.kind]
  const where = change.path === '' ? `${service} ${io}` : `${service} ${io} field '${change.path}'`
  const unknown = change.kind === 'unknown' ? ' (not compared: treated as breaking)' : ''
  const consequence = CONSEQUENCE[rule] === undefined ? '' : `: ${CONSEQUENCE[rule]}`
  return finding(rule, `${where}: ${change.detail}${unknown}${consequence}`, { service, path: change.path })
}
