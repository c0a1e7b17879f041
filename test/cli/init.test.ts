import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type TestContext, test } from 'node:test'
import { promisify } from 'node:util'
import { createServer } from '../../src/index.ts'
import { nanoweb, serve } from '../helpers/cli.ts'
import { request } from '../helpers/http.ts'
import { REPO, tempProject } from '../helpers/project.ts'

const run = promisify(execFile)
const OWN = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

const FILES = [
  'package.json',
  'tsconfig.json',
  '.gitignore',
  'README.md',
  'nanoweb-env.d.ts',
  'services/hello.ts',
  'services/hello.test.ts',
  'services/hello-card.ts',
  'services/hello-card.test.ts',
  'pages/index.html',
]

/** A new app made by `nanoweb init` in an empty folder under the repository's .tmp/. */
async function initApp(t: TestContext): Promise<string> {
  const dir = join(await tempProject(t, {}), 'my-app')
  const r = await nanoweb(['init', dir])
  assert.equal(r.code, 0, r.stderr)
  return dir
}

/**
 * Makes `@nanoweb/core` resolve, from the app, to this repository (as `npm install` would to the
 * package), so that its sources run under the `nanoweb-source` condition; `zod` resolves through
 * the repository's node_modules, above the app.
 */
async function linkCore(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules/@nanoweb'), { recursive: true })
  await symlink(REPO, join(dir, 'node_modules/@nanoweb/core'), 'dir')
}

test('init writes package.json, tsconfig.json, a service, a fragment, their tests, a page, README and types', async (t) => {
  const parent = await tempProject(t, {})
  const dir = join(parent, 'My App')
  const r = await nanoweb(['init', dir])
  assert.equal(r.code, 0, r.stderr)
  for (const file of FILES) assert.ok(existsSync(join(dir, file)), `${file} written`)
  assert.match(r.stdout, new RegExp(`cd "${dir}"\\n\\s+npm install\\n\\s+npm start\\n`))

  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
  assert.equal(pkg.name, 'my-app')
  assert.equal(pkg.type, 'module')
  assert.equal(pkg.private, true)
  assert.deepEqual(pkg.scripts, {
    start: 'nanoweb start',
    dev: 'nanoweb dev',
    test: 'node --test "services/**/*.test.ts"',
    check: 'tsc --noEmit',
  })
  const zodMajor = /\d+/.exec(OWN.dependencies.zod ?? OWN.devDependencies.zod ?? '')?.[0]
  assert.deepEqual(pkg.dependencies, { '@nanoweb/core': `^${OWN.version}`, zod: `^${zodMajor}` })
  assert.deepEqual(pkg.devDependencies, { '@types/node': '^24', node: '^24', typescript: '^5.9' })

  const { compilerOptions } = JSON.parse(await readFile(join(dir, 'tsconfig.json'), 'utf8'))
  assert.equal(compilerOptions.strict, true)
  assert.equal(compilerOptions.module, 'nodenext')
  assert.equal(compilerOptions.moduleResolution, 'nodenext')
  assert.deepEqual(compilerOptions.types, ['node'])
  for (const option of ['noEmit', 'allowImportingTsExtensions', 'erasableSyntaxOnly', 'verbatimModuleSyntax']) {
    assert.equal(compilerOptions[option], true, option)
  }
  assert.notEqual(compilerOptions.skipLibCheck, true, "nanoweb's .d.ts files are checked too")

  const hello = await readFile(join(dir, 'services/hello.ts'), 'utf8')
  assert.match(hello, /from '@nanoweb\/core'/)
  assert.match(hello, /input: z\.object\(\{ name:/)
  assert.match(hello, /output: z\.object\(\{ greeting:/)
  const card = await readFile(join(dir, 'services/hello-card.ts'), 'utf8')
  assert.match(card, /fragment\(/)
  assert.match(card, /html`/)
  assert.match(card, /ctx\.call\('hello'/)
  assert.match(
    await readFile(join(dir, 'services/hello.test.ts'), 'utf8'),
    /node:test[\s\S]*testRuntime } from '@nanoweb\/core\/testing'/,
  )
  assert.match(await readFile(join(dir, 'pages/index.html'), 'utf8'), /<nano-fragment src="hello-card" name="world">/)
  const types = await readFile(join(dir, 'nanoweb-env.d.ts'), 'utf8')
  assert.match(types, /"hello": typeof import\("\.\/services\/hello\.ts"\)\.default/)
  assert.match(types, /"hello-card":/)
  const ignored = await readFile(join(dir, '.gitignore'), 'utf8')
  assert.match(ignored, /node_modules/)
  assert.doesNotMatch(ignored, /nanoweb-env/, 'nanoweb-env.d.ts is committed')
  const readme = await readFile(join(dir, 'README.md'), 'utf8')
  for (const command of ['npm install', 'npm start', 'npm test', 'npm run check', 'services/']) {
    assert.ok(readme.includes(command), `README mentions ${command}`)
  }
})

test('init in the current folder prints no cd; a folder holding only .git counts as empty', async (t) => {
  const dir = await tempProject(t, { '.git/HEAD': 'ref: refs/heads/main\n' })
  const r = await nanoweb(['init'], dir)
  assert.equal(r.code, 0, r.stderr)
  assert.doesNotMatch(r.stdout, /\bcd\b/)
  assert.match(r.stdout, /npm install\n\s+npm start/)
  assert.ok(existsSync(join(dir, 'package.json')))
})

test('init refuses a folder that is not empty (exit 2) unless --force', async (t) => {
  const dir = await tempProject(t, { 'README.md': '# mine\n', 'notes.txt': 'keep\n' })
  const refused = await nanoweb(['init', dir])
  assert.equal(refused.code, 2)
  assert.ok(refused.stderr.includes(dir), `names the folder: ${refused.stderr}`)
  assert.match(refused.stderr, /not empty.*--force/)
  assert.ok(!existsSync(join(dir, 'package.json')), 'writes nothing')
  assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), '# mine\n')

  const forced = await nanoweb(['init', dir, '--force'])
  assert.equal(forced.code, 0, forced.stderr)
  assert.ok(existsSync(join(dir, 'package.json')))
  assert.notEqual(await readFile(join(dir, 'README.md'), 'utf8'), '# mine\n', 'a file of the same name is replaced')
  assert.equal(await readFile(join(dir, 'notes.txt'), 'utf8'), 'keep\n', 'other files are left alone')

  const file = join(dir, 'notes.txt')
  const notFolder = await nanoweb(['init', file])
  assert.equal(notFolder.code, 2)
  assert.match(notFolder.stderr, /is not a folder/)
})

test("the app's own tests pass (npm test's command) against this repository's sources", {
  timeout: 60_000,
}, async (t) => {
  const dir = await initApp(t)
  await linkCore(dir)
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { scripts: { test: string } }
  const [command, ...args] = pkg.scripts.test.split(' ').map((part) => part.replaceAll('"', ''))
  assert.equal(command, 'node')
  const { NODE_TEST_CONTEXT: _nested, ...outer } = process.env
  const env = { ...outer, NODE_OPTIONS: '--conditions=nanoweb-source' }
  const { stdout } = await run(process.execPath, args, { cwd: dir, env }).catch((error: { stdout: string }) => {
    assert.fail(`the scaffolded tests fail:\n${error.stdout}`)
  })
  assert.match(stdout, /# pass 4\b|ℹ pass 4\b/)
  assert.match(stdout, /hello greets by name/)
  assert.match(stdout, /hello-card shows the greeting/)
})

test('createServer serves the new app: its page with the fragment, and /api/hello', { timeout: 60_000 }, async (t) => {
  const dir = await initApp(t)
  await linkCore(dir)
  const server = await createServer({ root: dir, logger: false })
  t.after(() => server.close())
  const page = await server.fetch(new Request('http://app.test/'))
  assert.equal(page.status, 200)
  const text = await page.text()
  assert.match(text, /<section class="hello-card">\s*<h2>Hello, world!<\/h2>/)
  assert.doesNotMatch(text, /nano-fragment/)

  const posted = await server.fetch(
    new Request('http://app.test/api/hello', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    }),
  )
  assert.equal(posted.status, 200)
  assert.deepEqual(await posted.json(), { greeting: 'Hello, Ada!' })
  const got = await server.fetch(new Request('http://app.test/api/hello?name=Bo'))
  assert.deepEqual(await got.json(), { greeting: 'Hello, Bo!' })
  const invalid = await server.fetch(new Request('http://app.test/api/hello?name='))
  assert.equal(invalid.status, 400)
})

test('nanoweb start serves the new app', { timeout: 60_000 }, async (t) => {
  const dir = await initApp(t)
  await linkCore(dir)
  const { url } = await serve(t, ['start', dir, '--port', '0'])
  const page = await request(`${url}/`)
  assert.equal(page.status, 200)
  assert.match(page.text, /Hello, world!/)
  assert.deepEqual((await request(`${url}/api/hello?name=Ada`)).body, { greeting: 'Hello, Ada!' })
})
