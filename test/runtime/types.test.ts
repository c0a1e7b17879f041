import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { generateTypes } from '../../src/index.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'
import { TSCONFIG, tsc } from '../helpers/tsc.ts'

const geo = svc(`input: z.object({ city: z.string().min(1) }), output: z.object({ lat: z.number(), lon: z.number() }),
  run: () => ({ lat: 51.5, lon: -0.1 }),`)

function weather(call: string, use: string): string {
  return svc(`uses: ['geo/lookup'],
  input: z.object({ city: z.string() }), output: z.object({ city: z.string(), lat: z.number() }),
  async run({ city }, ctx) {
    const where = await ctx.call('geo/lookup', ${call})
    ${use}
    return { city, lat: where.lat }
  },`)
}

test('generateTypes makes ctx.call check its input and infer its output in tsc', { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {
    'tsconfig.json': TSCONFIG,
    'services/geo/lookup.ts': geo,
    'services/weather/current.ts': weather('{ city }', 'const lon: number = where.lon'),
  })
  const written = await generateTypes(root)
  assert.equal(written, join(root, 'nanoweb-env.d.ts'))
  assert.match(await readFile(written, 'utf8'), /'geo\/lookup'|"geo\/lookup"/)

  const good = await tsc(root)
  assert.ok(good.ok, `a right call must type-check:\n${good.output}`)

  await writeFiles(root, { 'services/weather/current.ts': weather('{ city: 42 }', '') })
  const wrongInput = await tsc(root)
  assert.equal(wrongInput.ok, false, 'a wrong input type must fail')
  assert.match(wrongInput.output, /current\.ts.*TS2322|current\.ts.*number.*string/s)

  await writeFiles(root, { 'services/weather/current.ts': weather('{ city }', 'const lat: string = where.lat') })
  const wrongOutput = await tsc(root)
  assert.equal(wrongOutput.ok, false, 'the output type is inferred (lat is a number)')
  assert.match(wrongOutput.output, /current\.ts/)

  await writeFiles(root, { 'services/weather/current.ts': weather('{ city }', "await ctx.call('geo/other', {})") })
  const undeclared = await tsc(root)
  assert.equal(undeclared.ok, false, 'a name not in uses is a type error too')
  assert.match(undeclared.output, /geo\/other/)
})
