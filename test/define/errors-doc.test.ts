import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ERROR_STATUS } from '../../src/define/errors.ts'

const DOC = new URL('../../docs/errors.md', import.meta.url)
const HEADER = ['code', 'status', 'when it happens', 'what the caller should do']

interface Row {
  readonly code: string
  readonly status: number
  readonly cells: readonly string[]
  readonly line: number
}

/** The rows of the one table of docs/errors.md whose header is {@link HEADER}. */
function documentedCodes(markdown: string): Row[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => sameCells(cells(l), HEADER))
  assert.notEqual(start, -1, `docs/errors.md has no table headed | ${HEADER.join(' | ')} |`)
  assert.match(lines[start + 1] ?? '', /^\|(\s*:?-+:?\s*\|)+$/, 'the header is followed by a separator row')
  const rows: Row[] = []
  for (let i = start + 2; i < lines.length && (lines[i] as string).trimStart().startsWith('|'); i++) {
    const row = cells(lines[i] as string)
    assert.equal(row.length, HEADER.length, `line ${i + 1}: ${HEADER.length} cells expected, got ${row.length}`)
    const code = /^`(NANO_E_[A-Z_]+)`$/.exec(row[0] as string)?.[1]
    assert.ok(code !== undefined, `line ${i + 1}: the first cell is one \`NANO_E_…\` code, got ${row[0]}`)
    assert.match(row[1] as string, /^\d{3}$/, `line ${i + 1}: the status is three digits`)
    for (const [k, cell] of row.entries()) assert.ok(cell.length > 0, `line ${i + 1}: "${HEADER[k]}" is empty`)
    rows.push({ code, status: Number(row[1]), cells: row, line: i + 1 })
  }
  return rows
}

function cells(line: string): string[] {
  const trimmed = line.trim()
  if (!trimmed.startsWith('|') || !trimmed.endsWith('|')) return []
  return trimmed
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

function sameCells(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i])
}

const rows = documentedCodes(readFileSync(DOC, 'utf8'))

test('docs/errors.md documents every code of ERROR_STATUS, with its status', () => {
  const documented = new Map(rows.map((r) => [r.code, r]))
  const missing = Object.keys(ERROR_STATUS).filter((code) => !documented.has(code))
  assert.deepEqual(missing, [], `codes in ERROR_STATUS missing from docs/errors.md: ${missing.join(', ')}`)
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const row = documented.get(code)
    assert.equal(row?.status, status, `docs/errors.md line ${row?.line}: ${code} is ${status} in ERROR_STATUS`)
  }
})

test('docs/errors.md documents no code that ERROR_STATUS does not have, and each code once', () => {
  const unknown = rows.filter((r) => !Object.hasOwn(ERROR_STATUS, r.code)).map((r) => `${r.code} (line ${r.line})`)
  assert.deepEqual(unknown, [], `codes in docs/errors.md that ERROR_STATUS does not have: ${unknown.join(', ')}`)
  const seen = new Map<string, number>()
  for (const row of rows) {
    assert.ok(!seen.has(row.code), `${row.code} is documented twice (lines ${seen.get(row.code)} and ${row.line})`)
    seen.set(row.code, row.line)
  }
})

test('the parser of the table catches a drift', () => {
  const table = (body: string): string =>
    `# Errors\n\n| code | status | when it happens | what the caller should do |\n|---|---|---|---|\n${body}\nAfter.\n`
  const parsed = documentedCodes(table('| `NANO_E_NOT_FOUND` | 404 | no such thing | check the name |'))
  assert.deepEqual(
    parsed.map((r) => [r.code, r.status]),
    [['NANO_E_NOT_FOUND', 404]],
  )
  assert.throws(() => documentedCodes(table('| NANO_E_NOT_FOUND | 404 | a | b |')), /first cell/)
  assert.throws(() => documentedCodes(table('| `NANO_E_NOT_FOUND` | four | a | b |')), /three digits/)
  assert.throws(() => documentedCodes(table('| `NANO_E_NOT_FOUND` | 404 | a |')), /4 cells/)
  assert.throws(() => documentedCodes(table('| `NANO_E_NOT_FOUND` | 404 | a | |')), /is empty/)
  assert.throws(() => documentedCodes('# Errors\n\nNo table.\n'), /no table/)
})
