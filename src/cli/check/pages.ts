import type { LinkedSlot } from '../../compose/plan.ts'
import { coerceText, propertySchema } from '../../define/coerce.ts'
import { closest } from '../../define/did-you-mean.ts'
import { type JsonSchema, toIssues, toJsonSchema } from '../../define/schema.ts'
import type { ServiceDefinition } from '../../define/service.ts'
import { type Finding, finding } from './findings.ts'
import type { PageFacts, Project } from './project.ts'

/**
 * Findings about pages, from the plans the page compiler links: a page that does not compile
 * (`page-broken`), a `<nano-fragment>` naming no service (`unknown-fragment`) or a service that
 * is not a fragment (`not-a-fragment`), attributes the fragment's input rejects
 * (`bad-attributes`: literal attributes, coerced as the page coerces them; one with a
 * `{query.x}` hole is known only per request), attributes that are no input field
 * (`unknown-attribute`), and fragments with no fallback content (`no-fallback`).
 *
 * @example
 * await pageFindings(await loadProject('.'))
 */
export async function pageFindings(project: Project): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const page of project.pages) {
    if (page.error !== undefined) {
      const why = page.error instanceof Error ? page.error.message : String(page.error)
      findings.push(
        finding('page-broken', `${page.file} does not compile: ${why}`, { page: page.file, file: page.file }),
      )
      continue
    }
    for (const slot of page.slots) findings.push(...(await slotFindings(page, slot, project)))
  }
  return findings
}

async function slotFindings(page: PageFacts, slot: LinkedSlot, project: Project): Promise<Finding[]> {
  const where = { page: page.file, file: page.file, service: slot.spec.src }
  const findings: Finding[] = []
  const tag = `<nano-fragment src="${slot.spec.src}">`
  if (stripComments(slot.spec.fallback).trim() === '') {
    findings.push(
      finding('no-fallback', `${page.file}: ${tag} has no fallback content: a failure shows nothing`, where),
    )
  }
  if (slot.problem?.reason === 'not found') {
    const near = closest(slot.spec.src, project.names)
    const hint = near === undefined ? '' : ` (did you mean '${near}'?)`
    findings.push(finding('unknown-fragment', `${slot.problem.message}${hint}`, where))
  } else if (slot.problem?.reason === 'not a fragment') {
    findings.push(finding('not-a-fragment', slot.problem.message, where))
  }
  const def = slot.problem === undefined ? project.definition(slot.spec.src) : undefined
  if (def === undefined) return findings
  const schema = toJsonSchema(def.input, 'input')
  for (const name of unknownAttributes(slot, schema)) {
    const near = closest(name, Object.keys(schema.properties as object))
    findings.push(
      finding(
        'unknown-attribute',
        `${page.file}: ${tag} passes '${name}', which is no input field of ${slot.spec.src}: it is dropped${near === undefined ? '' : ` (did you mean '${near}'?)`}`,
        where,
      ),
    )
  }
  const rejected = await rejectedAttributes(slot, def, schema)
  if (rejected.length > 0) {
    findings.push(finding('bad-attributes', `${page.file}: ${tag}: ${rejected.join('; ')}`, where))
  }
  return findings
}

/** What the fragment's input says about the literal attributes (holes are filled per request). */
async function rejectedAttributes(slot: LinkedSlot, def: ServiceDefinition, schema: JsonSchema): Promise<string[]> {
  const literal: Record<string, unknown> = {}
  const holed = new Set<string>()
  for (const [name, template] of Object.entries(slot.spec.attributes)) {
    if (typeof template === 'string') literal[name] = coerceText(template, propertySchema(schema, name))
    else holed.add(name)
  }
  const result = await def.input['~standard'].validate(literal)
  if (result.issues === undefined) return []
  return toIssues(result.issues)
    .filter((issue) => !holed.has(String(issue.path[0])))
    .map((issue) => {
      const name = issue.path[0]
      const given = name === undefined ? undefined : slot.spec.attributes[String(name)]
      const at =
        name === undefined
          ? '(input)'
          : given === undefined
            ? `${issue.path.join('.')} (missing)`
            : `${String(name)}="${String(given)}"`
      return `${at}: ${issue.message}`
    })
}

function unknownAttributes(slot: LinkedSlot, schema: JsonSchema): string[] {
  const properties = schema.properties
  const open = schema.additionalProperties !== undefined && schema.additionalProperties !== false
  if (typeof properties !== 'object' || properties === null || open || schema.patternProperties !== undefined) return []
  return Object.keys(slot.spec.attributes).filter((name) => !Object.hasOwn(properties, name))
}

function stripComments(html: string): string {
  return html.replace(/<!--[\s\S]*?(-->|$)/g, '')
}
