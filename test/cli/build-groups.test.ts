import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Metafile } from 'esbuild'
import { groupServices, SERVICES_PER_FILE } from '../../src/cli/build/groups.ts'

function metafileOf(imports: Record<string, string[]>): Metafile {
  const inputs: Metafile['inputs'] = {}
  for (const [file, paths] of Object.entries(imports)) {
    inputs[file] = { bytes: 1, imports: paths.map((path) => ({ path, kind: 'import-statement' as const })) }
  }
  return { inputs, outputs: {} }
}

test('services are split into files of at most SERVICES_PER_FILE, in order', () => {
  const files = Array.from({ length: SERVICES_PER_FILE * 2 + 1 }, (_, i) => `services/s${i}.ts`)
  const groups = groupServices(files, metafileOf(Object.fromEntries(files.map((f) => [f, []]))))
  assert.deepEqual(
    groups.map((g) => g.length),
    [SERVICES_PER_FILE, SERVICES_PER_FILE, 1],
  )
  assert.deepEqual(groups.flat(), files)
})

test('services sharing a project file, directly or through a chain, land in the same file', () => {
  const files = Array.from({ length: SERVICES_PER_FILE + 10 }, (_, i) => `services/s${i}.ts`)
  const imports: Record<string, string[]> = Object.fromEntries(files.map((f) => [f, []]))
  imports['services/s0.ts'] = ['services/_lib/a.ts']
  imports['services/_lib/a.ts'] = ['services/_lib/b.ts', 'node_modules/zod/index.js']
  imports[`services/s${SERVICES_PER_FILE + 5}.ts`] = ['services/_lib/b.ts']
  imports['services/s7.ts'] = [`services/s${SERVICES_PER_FILE + 9}.ts`]
  const groups = groupServices(files, metafileOf(imports))
  const groupOf = (file: string): number => groups.findIndex((g) => g.includes(file))
  assert.equal(groupOf('services/s0.ts'), groupOf(`services/s${SERVICES_PER_FILE + 5}.ts`))
  assert.equal(groupOf('services/s7.ts'), groupOf(`services/s${SERVICES_PER_FILE + 9}.ts`))
  assert.ok(groups.every((g) => g.length <= SERVICES_PER_FILE))
  assert.equal(groups.flat().length, files.length)
})
