import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cycleFindings } from '../../src/cli/check/cycles.ts'

function graph(edges: Record<string, string[]>) {
  return Object.entries(edges).map(([name, uses]) => ({ name, uses, file: `services/${name}.ts` }))
}

test('one finding per group of services in cycles together, naming a shortest way round from its first service; chains and diamonds are no cycle', () => {
  const findings = cycleFindings(
    graph({
      a: ['b'],
      b: ['c', 'x'],
      c: ['a', 'b'],
      x: ['y'],
      y: ['x'],
      top: ['left', 'right'],
      left: ['bottom'],
      right: ['bottom'],
      bottom: ['missing'],
      me: ['me', 'top'],
    }),
  )
  assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.service, f.file, f.message]).sort(), [
    ['uses-cycle', 'error', 'a', 'services/a.ts', 'services use each other in a cycle: a → b → c → a'],
    ['uses-cycle', 'error', 'me', 'services/me.ts', 'me uses itself'],
    ['uses-cycle', 'error', 'x', 'services/x.ts', 'services use each other in a cycle: x → y → x'],
  ])
})

test('a long chain is walked without recursion limits, and a ring of 5,000 is one cycle', () => {
  const n = 5000
  const ring = Array.from({ length: n }, (_, i) => ({
    name: `s${String(i).padStart(4, '0')}`,
    uses: [`s${String((i + 1) % n).padStart(4, '0')}`],
    file: '',
  }))
  const findings = cycleFindings(ring)
  assert.equal(findings.length, 1)
  assert.match(findings[0]?.message ?? '', /^services use each other in a cycle: s0000 → s0001 → .* → s4999 → s0000$/)
  const chain = ring.map((s, i) => (i === n - 1 ? { ...s, uses: [] } : s))
  assert.deepEqual(cycleFindings(chain), [])
})
