import { closest } from '../../define/did-you-mean.ts'
import { type Finding, finding } from './findings.ts'
import type { Project } from './project.ts'

/**
 * Findings about the services of a project: files that do not load (`broken-service`), `uses`
 * naming no service, of a service or a TypeScript page (`unknown-use`), and internal services
 * that nothing uses, neither a service's `uses`, a page's `uses` nor a page's fragments
 * (`unused-internal`).
 *
 * @example
 * serviceFindings(await loadProject('.'))
 */
export function serviceFindings(project: Project): Finding[] {
  const findings: Finding[] = []
  const known = new Set(project.names)
  for (const b of project.broken) {
    findings.push(
      finding('broken-service', `${b.file}: ${b.error.code}: ${b.error.message}`, { service: b.name, file: b.file }),
    )
  }
  const unknown = (name: string): string => {
    const near = closest(name, project.names)
    return `'${name}', which is no service${near === undefined ? '' : ` (did you mean '${near}'?)`}`
  }
  for (const entry of project.catalog) {
    for (const used of entry.uses) {
      if (known.has(used)) continue
      findings.push(
        finding('unknown-use', `${entry.name} uses ${unknown(used)}`, { service: entry.name, file: entry.file }),
      )
    }
  }
  for (const page of project.pages) {
    for (const used of page.uses) {
      if (known.has(used)) continue
      findings.push(finding('unknown-use', `${page.file} uses ${unknown(used)}`, { page: page.file, file: page.file }))
    }
  }
  const used = new Set([
    ...project.catalog.flatMap((entry) => entry.uses),
    ...project.pages.flatMap((page) => [...page.uses, ...page.slots.map((slot) => slot.spec.src)]),
  ])
  for (const entry of project.catalog) {
    if (entry.visibility !== 'internal' || used.has(entry.name)) continue
    findings.push(
      finding(
        'unused-internal',
        `${entry.name} is internal and no service or page uses it: remove it, or name it in a \`uses\``,
        { service: entry.name, file: entry.file },
      ),
    )
  }
  return findings
}
