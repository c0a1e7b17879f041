import assert from 'node:assert/strict'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { nanoweb, serve } from '../helpers/cli.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'

interface Report {
  readonly ok: boolean
  readonly findings: readonly { rule: string; severity: string; message: string; service?: string; path?: string }[]
}

const WEATHER_INPUT = `z.object({
  city: z.string(),
  unit: z.enum(['c', 'f']).optional(),
  days: z.number().int().optional(),
  place: z.object({ region: z.object({ code: z.string() }) }).optional(),
})`
const WEATHER_OUTPUT = `z.object({ temp: z.number(), sky: z.string(), wind: z.object({ speed: z.number() }) })`

const BASELINE = {
  'services/geo/lookup.ts': svc(`input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: () => ({ lat: 1 }),`),
  'services/weather/now.ts': svc(`idempotent: true, input: ${WEATHER_INPUT}, output: ${WEATHER_OUTPUT},
    run: () => ({ temp: 1, sky: 'blue', wind: { speed: 2 } }),`),
  'services/gone.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
  'services/stable.ts': svc(`input: z.object({ q: z.string().max(9) }), output: z.array(z.string()), run: () => [],`),
}

async function check(root: string, catalog: string): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await nanoweb(['check', root, '--against', catalog, '--json'])
  return { code: r.code, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr }
}

function pick(report: Report): string[] {
  return report.findings.map((f) => `${f.severity} ${f.rule} ${f.service ?? ''} ${f.path ?? ''}`.trim())
}

test('check --against a catalog saved from a running server finds each breaking change', {
  timeout: 120_000,
}, async (t) => {
  const root = await tempProject(t, BASELINE)
  const server = await serve(t, ['start', root, '--port', '0'])
  const response = await fetch(`${server.url}/_nano/catalog`)
  assert.equal(response.status, 200)
  const catalog = join(root, 'catalog.json')
  await writeFile(catalog, await response.text())
  server.child.kill('SIGTERM')
  await server.exited

  const unchanged = await check(root, catalog)
  assert.deepEqual(unchanged.report, { ok: true, findings: [] }, unchanged.stderr)
  assert.equal(unchanged.code, 0)

  await rm(join(root, 'services/gone.ts'))
  await writeFiles(root, {
    'services/geo/lookup.ts':
      svc(`input: z.object({ city: z.enum(['Leeds', 'York']) }), output: z.object({ lat: z.number() }),
      run: () => ({ lat: 1 }),`),
    'services/weather/now.ts': svc(`idempotent: true, input: z.object({
        city: z.string(),
        station: z.string(),
        unit: z.enum(['c']).optional(),
        days: z.number().int().max(7).optional(),
        place: z.object({ region: z.object({ code: z.string().min(2) }) }).optional(),
      }),
      output: z.object({ temp: z.string(), wind: z.object({ speed: z.number().nullable() }) }),
      run: () => ({ temp: '1', wind: { speed: null } }),`),
  })
  const broken = await check(root, catalog)
  assert.equal(broken.code, 1, broken.stderr)
  assert.equal(broken.report.ok, false)
  assert.deepEqual(pick(broken.report), [
    'error input-narrowed geo/lookup city',
    'error input-narrowed weather/now days',
    'error input-narrowed weather/now place.region.code',
    'error input-narrowed weather/now unit',
    'error input-required-added weather/now station',
    'error output-changed weather/now temp',
    'error output-changed weather/now wind.speed',
    'error output-removed weather/now sky',
    'error service-removed gone',
  ])
  const message = (rule: string, path: string) =>
    broken.report.findings.find((f) => f.rule === rule && f.path === path)?.message
  assert.equal(
    message('input-narrowed', 'city'),
    'geo/lookup input field \'city\': no longer accepts any string, only "Leeds", "York": callers sending what was valid before are refused',
  )
  assert.match(message('input-narrowed', 'days') ?? '', /maximum 7 added/)
  assert.match(message('input-narrowed', 'place.region.code') ?? '', /minLength 2 added/)
  assert.match(message('input-narrowed', 'unit') ?? '', /no longer accepts "f"/)
  assert.match(
    message('input-required-added', 'station') ?? '',
    /added as required: callers that do not send it are refused/,
  )
  assert.match(message('output-changed', 'temp') ?? '', /type number → string/)
  assert.match(
    message('output-changed', 'wind.speed') ?? '',
    /now accepts a null: consumers may get values they do not expect/,
  )
  assert.match(message('output-removed', 'sky') ?? '', /removed: consumers reading it break/)
  assert.match(broken.report.findings.find((f) => f.rule === 'service-removed')?.message ?? '', /gone was removed/)

  const human = await nanoweb(['check', root, '--against', catalog])
  assert.equal(human.code, 1)
  assert.match(human.stdout, /^Errors:\n {2}✗ input-narrowed {2}geo\/lookup input field 'city'/)
  assert.match(human.stdout, /\ncheck failed: 9 errors, 0 warnings, 0 notes\n$/)
})

test('check --against lists non-breaking changes as info and exits 0; ls --json saves the catalog too', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, BASELINE)
  const saved = await nanoweb(['ls', root, '--json'])
  assert.equal(saved.code, 0, saved.stderr)
  const catalog = join(root, 'catalog.json')
  await writeFile(catalog, saved.stdout)

  await writeFiles(root, {
    'services/weather/now.ts':
      svc(`idempotent: true, input: ${WEATHER_INPUT.replace('city: z.string(),', 'city: z.string(), lang: z.string().optional(),')},
      output: ${WEATHER_OUTPUT.replace('sky: z.string(),', 'sky: z.string(), humidity: z.number(),')},
      run: () => ({ temp: 1, sky: 'blue', humidity: 3, wind: { speed: 2 } }),`),
    'services/stable.ts': svc(
      `input: z.object({ q: z.string().max(20) }), output: z.array(z.string()), run: () => [],`,
    ),
    'services/fresh.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
  })
  const { code, report, stderr } = await check(root, catalog)
  assert.equal(code, 0, stderr)
  assert.equal(report.ok, true)
  assert.deepEqual(pick(report), [
    'info input-widened stable q',
    'info optional-input-added weather/now lang',
    'info output-added weather/now humidity',
    'info service-added fresh',
  ])
  assert.match(report.findings[0]?.message ?? '', /maxLength raised from 9 to 20/)
})

test('check --against refuses a file that is missing, not JSON or not a catalog: exit 2, NANO_E_BAD_CATALOG', async (t) => {
  const root = await tempProject(t, {
    'services/a.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    'not-json.json': '{"services": [',
    'not-catalog.json': '{"services": [{"name": "a"}]}',
  })
  for (const [file, why] of [
    ['missing.json', /missing\.json: no such file/],
    ['not-json.json', /not-json\.json: not JSON/],
    ['not-catalog.json', /not-catalog\.json: services\[0\] is not a catalog entry/],
  ] as const) {
    const r = await nanoweb(['check', root, '--against', join(root, file)])
    assert.equal(r.code, 2, `${file}: ${r.stderr}`)
    assert.match(r.stderr, /^error NANO_E_BAD_CATALOG: --against /)
    assert.match(r.stderr, why)
    assert.match(r.stderr, /nanoweb ls --json/)
    assert.equal(r.stdout, '')
  }
})
