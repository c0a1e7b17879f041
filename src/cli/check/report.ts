import type { Finding, Severity } from './findings.ts'

const HEADINGS: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', info: 'Info' }
const MARKS: Record<Severity, string> = { error: '✗', warning: '!', info: 'i' }

/**
 * The human form of a check: findings grouped by severity, one line each (`✗ rule  message`),
 * then a summary line saying whether it passed.
 *
 * @example
 * process.stdout.write(formatReport(findings, false))
 */
export function formatReport(findings: readonly Finding[], failed: boolean): string {
  const lines: string[] = []
  for (const severity of ['error', 'warning', 'info'] as const) {
    const group = findings.filter((f) => f.severity === severity)
    if (group.length === 0) continue
    lines.push(`${HEADINGS[severity]}:`)
    for (const f of group) lines.push(`  ${MARKS[severity]} ${f.rule}  ${f.message}`)
    lines.push('')
  }
  const count = (severity: Severity, word: string): string => {
    const n = findings.filter((f) => f.severity === severity).length
    return `${n} ${word}${n === 1 ? '' : 's'}`
  }
  const summary = `${count('error', 'error')}, ${count('warning', 'warning')}, ${count('info', 'note')}`
  lines.push(`${failed ? 'check failed' : 'check passed'}: ${summary}`)
  return `${lines.join('\n')}\n`
}
