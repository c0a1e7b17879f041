import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { createRuntime } from '../../src/index.ts'
import { JsonCheckerCompiler } from '../../src/runtime/validate/json-checker.ts'
import { Validator } from '../../src/runtime/validate/validator.ts'
import { isPlainZodSchema } from '../../src/runtime/validate/zod-plain.ts'
import { svc, tempProject } from '../helpers/project.ts'

test('only schemas that check without changing the value are compiled', () => {
  assert.ok(
    isPlainZodSchema(
      z.object({ a: z.string().min(1), b: z.array(z.number().int()).max(3), c: z.enum(['x']).optional() }),
    ),
  )
  assert.ok(isPlainZodSchema(z.union([z.literal('a'), z.null(), z.record(z.string(), z.boolean())])))
  for (const changing of [
    z.string().transform((s) => s.length),
    z.object({ a: z.string().default('x') }),
    z.coerce.number(),
    z.string().refine((s) => s !== 'no'),
    z.email(),
    z.string().regex(/a/),
    z.date(),
    z.object({ a: z.string() }).readonly(),
  ]) {
    assert.equal(isPlainZodSchema(changing), false, JSON.stringify(changing._zod.def.type))
  }
})

async function agree(schema: z.ZodType, values: unknown[]): Promise<void> {
  const v = new Validator(schema, {
    compiler: new JsonCheckerCompiler(),
    code: 'NANO_E_INVALID_INPUT',
    service: 't',
    fastAfter: 1,
  })
  v.tryFast(undefined)
  assert.equal(v.tryFast(values[0]), false, 'the check is compiled on a later turn, not inside the call that asked')
  await new Promise((resolve) => setImmediate(resolve))
  let acceptedFast = 0
  for (const value of values) {
    const lib = schema.safeParse(value)
    const fast = v.tryFast(value)
    if (fast) {
      acceptedFast += 1
      assert.ok(lib.success, `fast path accepted ${String(value)} that zod rejects`)
      assert.deepEqual(lib.data, value, 'fast path accepted a value zod would change')
    }
    const viaValidator = await Promise.resolve()
      .then(() => v.check(value))
      .then(
        (x) => ({ ok: true, x }),
        () => ({ ok: false, x: undefined }),
      )
    assert.equal(viaValidator.ok, lib.success)
  }
  assert.ok(acceptedFast > 0, 'the compiled check took part')
}

test('the compiled check agrees with zod on edge values', async () => {
  await agree(z.number(), [1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, '1'])
  await agree(z.number().int().gte(0), [0, -1, 2 ** 60, 1.1])
  await agree(z.string().max(3), ['abc', '😀😀', 'abcd', ''])
  await agree(z.string().min(2), ['😀', 'a', 'ab'])
  await agree(z.object({ a: z.string() }), [{ a: 'x' }, { a: 'x', extra: 1 }, { a: 1 }, null, []])
  await agree(z.strictObject({ a: z.string() }), [{ a: 'x' }, { a: 'x', extra: 1 }])
  await agree(z.object({ a: z.string().optional() }), [{}, { a: undefined }, { a: 'x' }])
  await agree(z.tuple([z.string(), z.number()]), [['a', 1], ['a'], ['a', 1, 2]])
})

test('compilations due together run one per turn of the event loop, in order, with other work between them', async () => {
  const compiler = new JsonCheckerCompiler()
  const log: string[] = []
  for (const job of ['a', 'b', 'c']) compiler.later(() => log.push(job))
  setImmediate(() => log.push('other'))
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(log, ['a', 'other', 'b', 'c'])
  compiler.later(() => log.push('d'))
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(log.at(-1), 'd', 'the queue starts again once empty')
})

test('through the runtime: extra keys are stripped, refinements and transforms still apply', async (t) => {
  const root = await tempProject(t, {
    'services/user.ts': svc(`input: z.object({ id: z.string() }),
      output: z.object({ id: z.string(), name: z.string() }),
      run: ({ id, ...rest }) => ({ id, name: 'Ann', passwordHash: 'secret', seenInput: rest }),`),
    'services/shout.ts': svc(`input: z.object({ word: z.string().refine((w) => w !== 'no', 'no is not allowed') }),
      output: z.string().transform((s) => s.toUpperCase()),
      run: ({ word }) => word,`),
  })
  const rt = createRuntime({ root, logger: false, fastValidationAfter: 1 })
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await rt.call('user', { id: 'u1', admin: true } as never), { id: 'u1', name: 'Ann' })
    assert.equal(await rt.call('shout', { word: 'hi' }), 'HI')
    await assert.rejects(rt.call('shout', { word: 'no' }), { code: 'NANO_E_INVALID_INPUT' })
    await assert.rejects(rt.call('user', { id: Number.NaN } as never), { code: 'NANO_E_INVALID_INPUT' })
  }
})

test('validateInternalCalls: false skips checks between services but never at the outside boundary', async (t) => {
  const root = await tempProject(t, {
    'services/inner.ts': svc(`input: z.object({ n: z.number() }), output: z.number(), run: ({ n }) => n,`),
    'services/outer.ts': svc(`input: z.object({}), output: z.unknown(), uses: ['inner'],
      run: (_, ctx) => ctx.call('inner', { n: 'not a number' }),`),
  })
  const strict = createRuntime({ root, logger: false })
  await assert.rejects(strict.call('outer', {}), { code: 'NANO_E_SERVICE_FAILED' })
  const trusting = createRuntime({ root, logger: false, validateInternalCalls: false })
  assert.equal(await trusting.call('outer', {}), 'not a number')
  await assert.rejects(trusting.call('inner', { n: 'x' } as never), { code: 'NANO_E_INVALID_INPUT' })
})

test('rt.invoke answers synchronously when nothing has to wait, and rt.call always with a promise', async (t) => {
  const root = await tempProject(t, {
    'services/sync.ts': svc(`input: z.object({ n: z.number() }), output: z.number(), run: ({ n }) => n * 2,`),
    'services/later.ts': svc(`input: z.object({ n: z.number() }), output: z.number(), run: async ({ n }) => n * 3,`),
  })
  const rt = createRuntime({ root, logger: false, fastValidationAfter: 1 })
  await rt.call('sync', { n: 1 })
  await rt.call('later', { n: 1 })
  await rt.call('sync', { n: 1 })
  assert.equal(rt.invoke('sync', { n: 21 }), 42)
  const later = rt.invoke('later', { n: 2 })
  assert.ok(later instanceof Promise)
  assert.equal(await later, 6)
  const bad = rt.invoke('sync', { n: 'x' })
  assert.ok(bad instanceof Promise)
  await assert.rejects(bad as Promise<unknown>, { code: 'NANO_E_INVALID_INPUT' })
  assert.ok(rt.call('sync', { n: 1 }) instanceof Promise)
})
