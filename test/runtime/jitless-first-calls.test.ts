import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { createRuntime, isNanoError } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'

const FILES = {
  'services/plain.ts': svc(`input: z.object({ city: z.string(), days: z.number().int() }),
    output: z.object({ city: z.string() }), run: ({ city }) => ({ city }),`),
  'services/refined.ts': svc(`input: z.object({ city: z.string() }).refine((v) => v.city !== 'x'),
    output: z.object({ city: z.string() }), run: ({ city }) => ({ city }),`),
}

/** Counts `new Function(…)` while `work` runs: zod generates its parsers' code that way. */
async function functionsMadeBy(work: () => Promise<unknown>): Promise<number> {
  const original = globalThis.Function
  let made = 0
  globalThis.Function = new Proxy(original, {
    construct(target, args) {
      made += 1
      return Reflect.construct(target, args)
    },
  })
  try {
    await work()
  } finally {
    globalThis.Function = original
  }
  return made
}

test('a plain zod schema is validated without generating zod code on its first calls, with the same answers', async (t) => {
  const root = await tempProject(t, FILES)
  const rt = createRuntime({ root, metrics: false })
  t.after(() => rt.close())
  z.object({ warm: z.string() }) // zod probes once whether `new Function` works, on its first object schema
  const plain = await functionsMadeBy(async () => {
    assert.deepEqual(await rt.call('plain', { city: 'Leeds', days: 2 }), { city: 'Leeds' })
    const refused = await rt.call('plain', { city: 'Leeds', days: 2.5 } as never).catch((error: unknown) => error)
    assert.ok(isNanoError(refused))
    assert.equal(refused.code, 'NANO_E_INVALID_INPUT')
    assert.match(refused.message, /days/)
  })
  assert.equal(plain, 0, 'no parser code generated for a plain schema')
  const refined = await functionsMadeBy(() => rt.call('refined', { city: 'Leeds' }))
  assert.ok(refined > 0, 'a schema zod always validates has its parser generated while it loads')
})
