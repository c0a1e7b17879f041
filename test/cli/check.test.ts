import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nanoweb } from '../helpers/cli.ts'
import { svc, tempProject } from '../helpers/project.ts'

interface Report {
  readonly ok: boolean
  readonly findings: readonly { rule: string; severity: string; message: string; service?: string; page?: string }[]
}

function frag(body: string): string {
  return `import { fragment, html } from '@nanoweb/core'\nimport { z } from 'zod'\nexport default fragment({\n${body}\n})\n`
}

const CARD =
  frag(`input: z.object({ limit: z.number().int().max(10).optional(), city: z.string(), wide: z.boolean().optional() }),
  render: ({ city }) => html\`<p>\${city}</p>\`,`)

async function check(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await nanoweb(['check', ...args, '--json'])
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr }
}

function rules(report: Report): string[] {
  return report.findings.map((f) => f.rule)
}

test('check finds unknown uses, cycles, unused internal services and files that do not load; exit 1', async (t) => {
  const root = await tempProject(t, {
    'services/a.ts': svc(`uses: ['b'], input: z.object({}), output: z.number(), run: () => 1,`),
    'services/b.ts': svc(`uses: ['c'], input: z.object({}), output: z.number(), run: () => 1,`),
    'services/c.ts': svc(`uses: ['a', 'helper'], input: z.object({}), output: z.number(), run: () => 1,`),
    'services/self.ts': svc(`uses: ['self'], input: z.object({}), output: z.number(), run: () => 1,`),
    'services/caller.ts': svc(`uses: ['geo/lokup'], input: z.object({}), output: z.number(), run: () => 1,`),
    'services/geo/lookup.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    'services/helper.ts': svc(`visibility: 'internal', input: z.object({}), output: z.number(), run: () => 1,`),
    'services/lonely.ts': svc(`visibility: 'internal', input: z.object({}), output: z.number(), run: () => 1,`),
    'services/bad.ts': 'export default 42\n',
    'pages/data.ts': `import { page } from '@nanoweb/core'\nexport default page({ uses: ['ghost'], template: '<p>hi</p>' })\n`,
  })
  const { code, report } = await check([root])
  assert.equal(code, 1)
  assert.equal(report.ok, false)
  const by = (rule: string) => report.findings.filter((f) => f.rule === rule)
  assert.deepEqual(
    by('unknown-use').map((f) => f.message),
    [
      "caller uses 'geo/lokup', which is no service (did you mean 'geo/lookup'?)",
      "pages/data.ts uses 'ghost', which is no service",
    ],
  )
  assert.deepEqual(
    by('uses-cycle')
      .map((f) => f.message)
      .sort(),
    ['self uses itself', 'services use each other in a cycle: a → b → c → a'],
  )
  assert.deepEqual(
    by('unused-internal').map((f) => [f.service, f.severity]),
    [['lonely', 'warning']],
  )
  assert.deepEqual(
    by('broken-service').map((f) => f.service),
    ['bad'],
  )
  assert.match(by('broken-service')[0]?.message ?? '', /services\/bad\.ts: NANO_E_BAD_DEFINITION/)
  assert.deepEqual(
    report.findings.map((f) => f.severity),
    [...report.findings.map((f) => f.severity)].sort(
      (x, y) => ['error', 'warning', 'info'].indexOf(x) - ['error', 'warning', 'info'].indexOf(y),
    ),
    'errors come first',
  )
})

test('check finds unknown fragments, rejected and unknown attributes and missing fallbacks on pages', async (t) => {
  const root = await tempProject(t, {
    'services/fragments/card.ts': CARD,
    'services/fragments/secret.ts': frag(`visibility: 'internal', input: z.object({}), render: () => 'x',`),
    'services/plain.ts': svc(`input: z.object({}), output: z.number(), run: () => 1,`),
    'pages/_layout.html':
      '<html><body><nano-slot></nano-slot><nano-fragment src="fragments/secret">Secret</nano-fragment></body></html>',
    'pages/index.html': [
      '<nano-fragment src="fragments/cart" city="Leeds">Gone</nano-fragment>',
      '<nano-fragment src="fragments/card" limit="50" city="{query.city|Leeds}">Card</nano-fragment>',
      '<nano-fragment src="fragments/card" limit="ten" wide="maybe"> <!-- nothing --> </nano-fragment>',
      '<nano-fragment src="fragments/card" limt="5" city="{query.city}">Card</nano-fragment>',
      '<nano-fragment src="fragments/card" limit="{query.n}" city="York" wide>Card</nano-fragment>',
      '<nano-fragment src="plain">Plain</nano-fragment>',
    ].join('\n'),
  })
  const { code, report } = await check([root])
  assert.equal(code, 1)
  const messages = (rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => f.message)
  assert.deepEqual(messages('unknown-fragment'), [
    "pages/index.html: no service named 'fragments/cart' (did you mean 'fragments/card'?)",
  ])
  assert.deepEqual(messages('not-a-fragment'), ["pages/index.html: 'plain' is a service, not a fragment"])
  const bad = messages('bad-attributes')
  assert.equal(bad.length, 2, bad.join('\n'))
  assert.match(bad[0] ?? '', /^pages\/index\.html: <nano-fragment src="fragments\/card">: limit="50": .*10/)
  assert.doesNotMatch(bad[0] ?? '', /city/, 'a holed attribute is not judged')
  assert.match(bad[1] ?? '', /limit="ten": .*number/)
  assert.match(bad[1] ?? '', /wide="maybe": .*boolean/)
  assert.match(bad[1] ?? '', /city \(missing\)/)
  assert.deepEqual(messages('unknown-attribute'), [
    "pages/index.html: <nano-fragment src=\"fragments/card\"> passes 'limt', which is no input field of fragments/card: it is dropped (did you mean 'limit'?)",
  ])
  assert.deepEqual(messages('no-fallback'), [
    'pages/index.html: <nano-fragment src="fragments/card"> has no fallback content: a failure shows nothing',
  ])
  assert.ok(!rules(report).includes('unused-internal'), 'a fragment used only by a layout is used')
  for (const f of report.findings)
    assert.equal(f.severity === 'warning', ['unknown-attribute', 'no-fallback'].includes(f.rule))
})

test('check passes a clean project (exit 0, human output); warnings pass unless --strict', async (t) => {
  const root = await tempProject(t, {
    'services/fragments/card.ts': CARD,
    'services/geo.ts': svc(`visibility: 'internal', input: z.object({}), output: z.number(), run: () => 1,`),
    'services/weather.ts': svc(`uses: ['geo'], input: z.object({}), output: z.number(), run: () => 1,`),
    'pages/index.html':
      '<nano-fragment src="fragments/card" city="{query.city|Leeds}" limit="3">Card unavailable</nano-fragment>',
  })
  const clean = await nanoweb(['check', root])
  assert.equal(clean.code, 0, clean.stdout + clean.stderr)
  assert.equal(clean.stdout, 'check passed: 0 errors, 0 warnings, 0 notes\n')

  const warned = await tempProject(t, {
    'services/fragments/card.ts': CARD,
    'pages/index.html': '<nano-fragment src="fragments/card" city="Leeds"/>',
  })
  const lenient = await nanoweb(['check', warned])
  assert.equal(lenient.code, 0, lenient.stdout)
  assert.equal(
    lenient.stdout,
    'Warnings:\n  ! no-fallback  pages/index.html: <nano-fragment src="fragments/card"> has no fallback content: a failure shows nothing\n\ncheck passed: 0 errors, 1 warning, 0 notes\n',
  )
  const strict = await check([warned, '--strict'])
  assert.equal(strict.code, 1)
  assert.deepEqual({ ok: strict.report.ok, rules: rules(strict.report) }, { ok: false, rules: ['no-fallback'] })
})

test('check on examples/news is clean', { timeout: 60_000 }, async () => {
  const { code, report } = await check(['examples/news'])
  assert.deepEqual(report, { ok: true, findings: [] })
  assert.equal(code, 0)
})

test('check reports a page that does not compile', async (t) => {
  const root = await tempProject(t, {
    'pages/index.html': '<nano-fragment city="x">no src</nano-fragment>',
  })
  const { code, report } = await check([root])
  assert.equal(code, 1)
  assert.deepEqual(rules(report), ['page-broken'])
  assert.match(report.findings[0]?.message ?? '', /pages\/index\.html does not compile: .*needs a src/)
})

test('check refuses a folder that is no project (a typo in CI must not pass): exit 2', async (t) => {
  const root = await tempProject(t, { 'README.md': 'not a project\n' })
  const r = await nanoweb(['check', root])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /is no nanoweb project: it has neither services\/ nor pages\//)
  assert.equal(r.stdout, '')
})
