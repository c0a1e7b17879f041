import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import type { NanoError } from '../../src/define/errors.ts'
import { scanServices, serviceNameOf } from '../../src/registry/scan.ts'
import { tempProject } from '../helpers/project.ts'

test('serviceNameOf: the name of a service file, undefined for files that are not services', () => {
  assert.equal(serviceNameOf('weather/current.ts'), 'weather/current')
  assert.equal(serviceNameOf(join('weather', 'current.mjs')), 'weather/current')
  assert.equal(serviceNameOf('a.js'), 'a')
  assert.equal(serviceNameOf('a.mts'), 'a')
  assert.equal(serviceNameOf('Bad Name.ts'), 'Bad Name', 'invalid names are names: scanning reports them')
  for (const ignored of [
    'weather/current.test.ts',
    'weather/current.spec.mjs',
    'types.d.ts',
    '_lib/data.ts',
    'news/_shared/helper.ts',
    '.hidden/x.ts',
    'news/.draft.ts',
    'fragments/headlines.css',
    'README.md',
    'weather/current.ts.tmp',
    'weather/current.ts~',
    'news/sedAb12Cd',
    '../outside.ts',
  ]) {
    assert.equal(serviceNameOf(ignored), undefined, ignored)
  }
})

test('scanServices follows serviceNameOf and reports invalid names relative to the root', async (t) => {
  const source = 'export default 1\n'
  const root = await tempProject(t, {
    'services/weather/current.ts': source,
    'services/weather/current.test.ts': source,
    'services/_lib/data.ts': source,
    'services/.cache/x.ts': source,
    'services/types.d.ts': source,
    'services/news/top.mjs': source,
    'services/Bad Name.ts': source,
  })
  assert.throws(
    () => scanServices(root),
    (error: NanoError) => {
      assert.equal(error.code, 'NANO_E_BAD_DEFINITION')
      assert.match(error.message, /^services\/Bad Name\.ts: invalid service name 'Bad Name'/)
      assert.ok(!error.message.includes(root), error.message)
      return true
    },
  )
  const invalid: string[] = []
  const found = scanServices(root, (error) => invalid.push(error.message))
  assert.deepEqual(
    found.map((f) => [f.name, f.file]),
    [
      ['news/top', join(root, 'services/news/top.mjs')],
      ['weather/current', join(root, 'services/weather/current.ts')],
    ],
  )
  assert.equal(invalid.length, 1)
  assert.deepEqual(scanServices(join(root, 'nowhere')), [])
})
