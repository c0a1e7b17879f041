import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { createRuntime, service } from '../../src/index.ts'
import { tempProject } from '../helpers/project.ts'

function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {}
}

test('loading many services gives the event loop a turn now and then: an immediate queued before runs before the last one loads', async (t) => {
  const names = Array.from({ length: 12 }, (_, i) => `s${i}`)
  const root = await tempProject(t, Object.fromEntries(names.map((n) => [`services/${n}.ts`, 'export default 1\n'])))
  let loaded = 0
  // Code already in memory: every load resolves in a microtask, so only a deliberate yield lets a timer run.
  const executor = {
    async load(source: { readonly name: string }) {
      busy(30)
      loaded += 1
      const uses = source.name === 's0' ? names.slice(1) : []
      return service({ input: z.object({}), output: z.string(), uses, run: () => source.name })
    },
  }
  const rt = createRuntime({ root, logger: false, executor })
  let loadedWhenTurned: number | undefined
  setImmediate(() => {
    loadedWhenTurned = loaded
  })
  assert.equal(await rt.call('s0', {}), 's0')
  assert.equal(loaded, names.length, 'the service and everything it uses were loaded')
  assert.ok(
    loadedWhenTurned !== undefined && loadedWhenTurned < names.length,
    `the loop turned after ${loadedWhenTurned} of ${names.length} loads`,
  )
  await rt.close()
})
