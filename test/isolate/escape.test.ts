import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createRuntime, type Runtime } from '../../src/index.ts'
import { REPO, writeFiles } from '../helpers/project.ts'

/** Room for a first call on a busy machine (and still on the host thread); limits have tests of their own. */
const ROOMY = { cpu: '100ms' } as const

/**
 * Each probe runs inside an untrusted service and answers what it reached: `'undefined'` (or an
 * error message) when the escape failed. A probe that found the host's `process` would answer
 * 'object', and could then read `process.pid`.
 */
const PROBES: Record<string, string> = {
  'this.constructor.constructor': `return typeof this.constructor.constructor('return globalThis.process')()`,
  'Function constructor of a function': `return typeof (function () {}).constructor('return globalThis.process')()`,
  'ctx.call.constructor': `return typeof ctx.call.constructor('return globalThis.process')()`,
  'ctx.log.info.constructor': `return typeof ctx.log.info.constructor('return globalThis.process')()`,
  'ctx.__proto__': `return typeof ctx.__proto__.constructor.constructor('return globalThis.process')()`,
  'Object.getPrototypeOf(ctx).constructor.constructor': `return typeof Object.getPrototypeOf(ctx).constructor.constructor('return globalThis.process')()`,
  'ctx.signal prototype': `return typeof Object.getPrototypeOf(ctx.signal).constructor.constructor('return globalThis.process')()`,
  'input prototype': `return typeof input.constructor.constructor('return globalThis.process')()`,
  'result of ctx.call': `const r = await ctx.call('helper', {}); return typeof r.constructor.constructor('return globalThis.process')()`,
  'error of a host-rejected call': `try { await ctx.call('not/in/uses', {}) } catch (e) { return typeof e.constructor.constructor('return globalThis.process')() + ' ' + e.code }`,
  'error thrown by ctx.call for bad input': `try { await ctx.call('helper', { wrong: 1 }) } catch (e) { return typeof Object.getPrototypeOf(e).constructor.constructor('return globalThis.process')() + ' ' + e.code }`,
  'fetch response': `try { await fetch('http://127.0.0.1:1/') } catch (e) { return typeof e.constructor.constructor('return globalThis.process')() }`,
  'SharedArrayBuffer and Atomics': `return typeof SharedArrayBuffer + ' ' + typeof Atomics + ' ' + typeof WebAssembly`,
  'eval of a dynamic import of node:fs': `try { await eval('import("node:fs")'); return 'imported' } catch (e) { return 'refused: ' + e.message }`,
  require: `try { const r = require; return typeof r('fs') } catch (e) { return 'refused: ' + e.message }`,
  'globals of Node.js': `return [typeof globalThis.process, typeof globalThis.global, typeof globalThis.Buffer, typeof globalThis.setImmediate, typeof globalThis.__nanoInstall].join(' ')`,
  'polluting Object.prototype': `Object.prototype.polluted = 'yes'; Array.prototype.push = null; return typeof ({}).polluted`,
  'a __proto__ key in the output': `return JSON.parse('{"__proto__": {"polluted": "yes"}}')`,
}

const SERVICE = `import { service } from '@nanoweb/core'
import { z } from 'zod'
const probes = {
${Object.entries(PROBES)
  .map(([name, body]) => `  ${JSON.stringify(name)}: async function (input, ctx) { ${body} },`)
  .join('\n')}
}
export default service({
  trust: 'untrusted',
  input: z.object({ probe: z.string() }),
  output: z.unknown(),
  uses: ['helper'],
  run(input, ctx) { return probes[input.probe].call(this, input, ctx) },
})
`

let rt: Runtime
let root: string

before(async () => {
  const { mkdtemp, mkdir } = await import('node:fs/promises')
  await mkdir(`${REPO}.tmp`, { recursive: true })
  root = await mkdtemp(`${REPO}.tmp/escape-`)
  await writeFiles(root, {
    'services/plugins/probe.ts': SERVICE,
    'services/helper.ts': `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({ input: z.object({}).strict(), output: z.object({ ok: z.boolean() }), run: () => ({ ok: true }) })
`,
  })
  rt = createRuntime({ root, logger: false, isolateLimits: ROOMY })
})

after(async () => {
  await rt.close()
  const { rm } = await import('node:fs/promises')
  await rm(root, { recursive: true, force: true })
})

const probe = (name: string): Promise<unknown> => rt.call('plugins/probe', { probe: name })

for (const name of [
  'this.constructor.constructor',
  'Function constructor of a function',
  'ctx.call.constructor',
  'ctx.log.info.constructor',
  'ctx.__proto__',
  'Object.getPrototypeOf(ctx).constructor.constructor',
  'ctx.signal prototype',
  'input prototype',
  'result of ctx.call',
  'fetch response',
]) {
  test(`escape probe fails: ${name}`, async () => {
    assert.equal(await probe(name), 'undefined')
  })
}

test('escape probe fails: the constructor of an error from a host-rejected call', async () => {
  assert.equal(await probe('error of a host-rejected call'), 'undefined NANO_E_FORBIDDEN_CALL')
  assert.equal(await probe('error thrown by ctx.call for bad input'), 'undefined NANO_E_INVALID_INPUT')
})

test('SharedArrayBuffer, Atomics and WebAssembly are absent', async () => {
  assert.equal(await probe('SharedArrayBuffer and Atomics'), 'undefined undefined undefined')
})

test('eval of import("node:fs") is refused', async () => {
  assert.match(String(await probe('eval of a dynamic import of node:fs')), /^refused: /)
})

test('require of a Node.js module is refused', async () => {
  assert.match(String(await probe('require')), /^refused: .*fs/)
})

test('no Node.js globals, and the host callback is not reachable', async () => {
  assert.equal(await probe('globals of Node.js'), 'undefined undefined undefined undefined undefined')
})

test("polluting the isolate's prototypes leaves the host's alone", async () => {
  assert.equal(await probe('polluting Object.prototype'), 'string', 'polluted inside')
  assert.equal(({} as { polluted?: string }).polluted, undefined)
  assert.equal(typeof Array.prototype.push, 'function')
  const out = (await probe('a __proto__ key in the output')) as object
  assert.equal(Object.getPrototypeOf(out), Object.prototype, 'a copy: the key is data, not a prototype')
  assert.equal(({} as { polluted?: string }).polluted, undefined)
})
