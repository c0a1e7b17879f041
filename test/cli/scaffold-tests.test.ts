import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { promisify } from 'node:util'
import { nanoweb } from '../helpers/cli.ts'
import { REPO, tempProject } from '../helpers/project.ts'

const exec = promisify(execFile)

/** `node --test` as an app's `npm test` runs it, on this checkout's sources, outside this test runner. */
async function nodeTest(cwd: string, args: readonly string[]): Promise<{ passed: boolean; out: string }> {
  const { NODE_TEST_CONTEXT: _nested, ...outer } = process.env
  const env = { ...outer, NODE_OPTIONS: '--conditions=nanoweb-source' }
  try {
    const { stdout } = await exec(process.execPath, ['--test', ...args], { cwd, env, timeout: 120_000 })
    return { passed: true, out: stdout }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: unknown }
    if (typeof e.code !== 'number') throw error
    return { passed: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

/** The arguments of the app's `test` script after `node --test`. */
async function testScriptArgs(dir: string): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: { test: string } }
  const [node, flag, ...args] = pkg.scripts.test.split(' ').map((part) => part.replaceAll('"', ''))
  assert.deepEqual([node, flag], ['node', '--test'])
  return args
}

/** A `nanoweb init` app whose `@nanoweb/core` is this checkout, as `npm install` would link the package. */
async function initApp(t: TestContext): Promise<string> {
  const dir = join(await tempProject(t, {}), 'app')
  const r = await nanoweb(['init', dir])
  assert.equal(r.code, 0, r.stderr)
  await mkdir(join(dir, 'node_modules/@nanoweb'), { recursive: true })
  await symlink(REPO, join(dir, 'node_modules/@nanoweb/core'), 'dir')
  return dir
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8')
  assert.ok(text.includes(from), `${file} contains ${from}`)
  await writeFile(file, text.replace(from, to))
}

function failedTests(out: string): string[] {
  return [...out.matchAll(/^✖ (.+?) \(\d/gm)].map((m) => m[1] as string)
}

test("init's tests use @nanoweb/core/testing (a fake, a fragment, a page) and pass; a broken service makes them fail", {
  timeout: 180_000,
}, async (t) => {
  const dir = await initApp(t)
  const card = await readFile(join(dir, 'services/hello-card.test.ts'), 'utf8')
  assert.match(card, /from '@nanoweb\/core\/testing'/)
  assert.match(card, /fakes: \{ hello:/)
  assert.match(card, /rt\.render\('hello-card'/)
  assert.match(card, /rt\.page\('\/'\)/)
  const args = await testScriptArgs(dir)

  const clean = await nodeTest(dir, args)
  assert.ok(clean.passed, `the scaffolded tests pass:\n${clean.out}`)
  assert.match(clean.out, /ℹ pass 4\b/)
  for (const name of [
    'hello greets by name',
    'hello refuses an empty name',
    'hello-card shows the greeting of hello',
  ]) {
    assert.ok(clean.out.includes(name), name)
  }

  await edit(join(dir, 'services/hello.ts'), '`Hello, ', '`Bye, ')
  const broken = await nodeTest(dir, args)
  assert.equal(broken.passed, false, `a broken hello fails the tests:\n${broken.out}`)
  assert.deepEqual(failedTests(broken.out).slice(0, 2).sort(), [
    'hello greets by name',
    'the home page shows the card, greeting the world',
  ])
  assert.match(broken.out, /ℹ pass 2\b/, 'the card test with hello faked still passes: the fake stood in')

  await edit(join(dir, 'services/hello.ts'), '`Bye, ', '`Hello, ')
  await edit(join(dir, 'services/hello-card.ts'), '<h2>', '<h2>Oops, ')
  const brokenCard = await nodeTest(dir, args)
  assert.equal(brokenCard.passed, false, `a broken hello-card fails the tests:\n${brokenCard.out}`)
  assert.ok(failedTests(brokenCard.out).includes('hello-card shows the greeting of hello, escaped'))
})

test("new's test uses testRuntime and passes; a broken service makes it fail", { timeout: 120_000 }, async (t) => {
  const root = await tempProject(t, {})
  const created = await nanoweb(['new', 'greet/hello', '--root', root])
  assert.equal(created.code, 0, created.stderr)
  const testFile = join(root, 'services/greet/hello.test.ts')
  assert.match(await readFile(testFile, 'utf8'), /import \{ testRuntime \} from '@nanoweb\/core\/testing'/)

  const clean = await nodeTest(root, [testFile])
  assert.ok(clean.passed, `the scaffolded test passes:\n${clean.out}`)
  assert.match(clean.out, /ℹ pass 1\b/)

  await edit(join(root, 'services/greet/hello.ts'), '`Hello, ', '`Hello ')
  const broken = await nodeTest(root, [testFile])
  assert.equal(broken.passed, false, `a broken service fails its test:\n${broken.out}`)
  assert.deepEqual(failedTests(broken.out).slice(0, 1), ['greet/hello greets by name'])
})
