/**
 * How bad a finding is: an `error` fails `nanoweb check` (exit 1), a `warning` is listed and
 * fails only with `--strict`, an `info` is listed and never fails.
 *
 * @example
 * const s: Severity = 'warning'
 */
export type Severity = 'error' | 'warning' | 'info'

/**
 * Every rule of `nanoweb check`: its stable id, its severity and what it means (docs/check.md has
 * the same table with what to do about each).
 *
 * @example
 * RULES['uses-cycle'].severity // 'error'
 */
export const RULES = {
  'broken-service': { severity: 'error', about: 'a service file does not load' },
  'page-broken': { severity: 'error', about: 'a page file does not compile' },
  'unknown-use': { severity: 'error', about: 'a `uses` (of a service or a TypeScript page) names no service' },
  'uses-cycle': { severity: 'error', about: 'services use each other in a cycle' },
  'unknown-fragment': { severity: 'error', about: 'a page names a fragment that does not exist' },
  'not-a-fragment': { severity: 'error', about: 'a page names a service that is not a fragment' },
  'bad-attributes': { severity: 'error', about: "a page passes attributes the fragment's input rejects" },
  'service-removed': { severity: 'error', about: 'a service of the saved catalog is gone' },
  'endpoint-removed': { severity: 'error', about: 'a public service became internal, or lost GET' },
  'access-changed': {
    severity: 'error',
    about: "a service's access rule changed (not to anyone): callers may be refused",
  },
  'input-required-added': { severity: 'error', about: 'an input field was added as required, or became required' },
  'input-narrowed': { severity: 'error', about: 'an input accepts less than before' },
  'input-changed': { severity: 'error', about: 'an input changed in a way check cannot compare' },
  'output-removed': { severity: 'error', about: 'an output field is gone' },
  'output-changed': { severity: 'error', about: 'an output field changed type, was widened, or may now be missing' },
  'unused-internal': { severity: 'warning', about: 'an internal service that no service or page uses' },
  'no-fallback': { severity: 'warning', about: 'a fragment on a page has no fallback content' },
  'unknown-attribute': { severity: 'warning', about: 'a page passes an attribute that is not an input field' },
  'service-added': { severity: 'info', about: 'a service not in the saved catalog' },
  'optional-input-added': { severity: 'info', about: 'an optional input field was added' },
  'input-widened': { severity: 'info', about: 'an input accepts more than before' },
  'input-removed': { severity: 'info', about: 'an input field was removed (callers still sending it are not refused)' },
  'output-added': { severity: 'info', about: 'an output field was added' },
  'output-narrowed': { severity: 'info', about: 'an output returns less than before (fewer values, tighter bounds)' },
} as const satisfies Record<string, { readonly severity: Severity; readonly about: string }>

/**
 * The stable id of a rule, e.g. `'unknown-use'`.
 *
 * @example
 * const rule: RuleId = 'input-narrowed'
 */
export type RuleId = keyof typeof RULES

/**
 * One thing `nanoweb check` found: the rule, its severity, where (service, page, file, schema
 * path) and a message that says what is wrong.
 *
 * @example
 * const f: Finding = { rule: 'unknown-use', severity: 'error', service: 'a', message: "a uses 'b', which is no service" }
 */
export interface Finding {
  readonly rule: RuleId
  readonly severity: Severity
  readonly message: string
  readonly service?: string
  readonly page?: string
  readonly file?: string
  /** Where in a schema (`city`, `a.b.c`, `items[]`), for contract findings. */
  readonly path?: string
}

/**
 * Makes a finding of `rule`, with the rule's severity.
 *
 * @example
 * finding('uses-cycle', 'a → b → a', { service: 'a' })
 */
export function finding(
  rule: RuleId,
  message: string,
  where: { readonly service?: string; readonly page?: string; readonly file?: string; readonly path?: string } = {},
): Finding {
  return { rule, severity: RULES[rule].severity, message, ...where }
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

/**
 * Findings sorted by severity (errors first), then rule and message, without duplicates (a
 * layout's fragment is found once per page, but the same message is listed once).
 *
 * @example
 * sortFindings([info, error]) // [error, info]
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const unique = new Map(findings.map((f) => [`${f.rule}\0${f.message}`, f]))
  return [...unique.values()].sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  )
}

/**
 * Whether the findings fail the check: any error, or with `strict` any warning.
 *
 * @example
 * failed(findings, { strict: true })
 */
export function failed(findings: readonly Finding[], options: { readonly strict?: boolean } = {}): boolean {
  return findings.some((f) => f.severity === 'error' || (options.strict === true && f.severity === 'warning'))
}
