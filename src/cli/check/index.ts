import { contractFindings, readCatalog } from './contract.ts'
import { cycleFindings } from './cycles.ts'
import { type Finding, sortFindings } from './findings.ts'
import { pageFindings } from './pages.ts'
import { loadProject } from './project.ts'
import { serviceFindings } from './services.ts'

export { type Finding, failed, RULES, type RuleId, type Severity } from './findings.ts'

/**
 * Runs every check of `nanoweb check` on the project at `root`: services (files that do not load,
 * unknown `uses`, cycles, unused internal services), pages (unknown fragments, attributes the
 * fragment rejects, missing fallbacks) and, given `against` (a saved catalog file), contract
 * changes. The saved catalog is read first, so a bad file fails before the project loads.
 *
 * @example
 * const findings = await runChecks('examples/news', { against: 'catalog.json' })
 */
export async function runChecks(root: string, options: { readonly against?: string } = {}): Promise<Finding[]> {
  const saved = options.against === undefined ? undefined : await readCatalog(options.against)
  const project = await loadProject(root)
  return sortFindings([
    ...serviceFindings(project),
    ...cycleFindings(project.catalog),
    ...(await pageFindings(project)),
    ...(saved === undefined ? [] : contractFindings(saved, project.catalog, project.names)),
  ])
}
