import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { isNanoError, type NanoError } from '../../src/define/errors.ts'
import { importDefault } from '../../src/registry/import-default.ts'
import { REPO, tempProject, writeFiles } from '../helpers/project.ts'

const isNumber = (value: unknown): value is number => typeof value === 'number'
const EXPECTED = 'export default <a number>'

async function failure(root: string, path: string, reload = 0): Promise<NanoError> {
  const error = await importDefault({ file: join(root, path), root, reload }, isNumber, EXPECTED).then(
    () => assert.fail(`${path} was imported`),
    (e: unknown) => e,
  )
  assert.ok(isNanoError(error), `not a NanoError: ${String(error)}`)
  assert.equal(error.code, 'NANO_E_BAD_DEFINITION')
  assertNoAbsolutePath(error.message, root)
  return error
}

function assertNoAbsolutePath(message: string, root: string): void {
  for (const absolute of [root, REPO, 'file://']) {
    assert.ok(!message.includes(absolute), `message holds an absolute path (${absolute}): ${message}`)
  }
  assert.doesNotMatch(message, /(^|[\s'"`(])\/[\w.-]+\//, `message holds an absolute path: ${message}`)
}

test('a syntax error in a .ts file names the file relative to the root, with line and column', async (t) => {
  const root = await tempProject(t, {
    'services/f/broken.ts': "import { z } from 'zod'\n\nconst = 1\nexport default 1\n",
  })
  const error = await failure(root, 'services/f/broken.ts')
  assert.match(error.message, /^services\/f\/broken\.ts:3:7: could not be imported: Unexpected token `=`/)
})

test('a syntax error V8 reports without a place (.js file, duplicate declaration in .ts) still gets one', async (t) => {
  const root = await tempProject(t, {
    'services/plain.js': 'const a = 1\nexport default {\n  b: enum,\n}\n',
    'services/twice.ts': 'const x: number = 1\nexport default x\nconst x = 2\n',
  })
  assert.match((await failure(root, 'services/plain.js')).message, /^services\/plain\.js:3:6: .*reserved word/)
  assert.match((await failure(root, 'services/twice.ts')).message, /^services\/twice\.ts:3:7: .*already been declared/)
})

test('an error in an imported helper names the service and the place in the helper', async (t) => {
  const root = await tempProject(t, {
    'services/uses-helper.ts': "import x from './_lib/helper.ts'\nexport default x\n",
    'services/_lib/helper.ts': 'const a = 1\nconst b: number = a +\nexport default b\n',
  })
  const error = await failure(root, 'services/uses-helper.ts')
  assert.match(error.message, /^services\/uses-helper\.ts: could not be imported: services\/_lib\/helper\.ts:3:1: /)
})

test('an error thrown while the file loads gives its line and column', async (t) => {
  const root = await tempProject(t, {
    'services/throws.ts': "const ready = false\nif (!ready) throw new Error('not ready')\nexport default 1\n",
  })
  const error = await failure(root, 'services/throws.ts')
  assert.match(error.message, /^services\/throws\.ts:2:19: could not be imported: not ready$/)
})

test('a missing import or package is reported with paths relative to the root', async (t) => {
  const root = await tempProject(t, {
    'services/lost.ts': "import x from './nowhere.ts'\nexport default x\n",
    'services/no-package.ts': "import x from 'no-such-package-here'\nexport default x\n",
  })
  const lost = await failure(root, 'services/lost.ts')
  assert.match(lost.message, /^services\/lost\.ts: could not be imported: .*services\/nowhere\.ts.*services\/lost\.ts/)
  const noPackage = await failure(root, 'services/no-package.ts')
  assert.match(noPackage.message, /^services\/no-package\.ts: could not be imported: .*'no-such-package-here'/)
})

test('no default export, or the wrong one, says what the file must export', async (t) => {
  const root = await tempProject(t, {
    'services/none.ts': 'export const x = 1\n',
    'services/wrong.ts': "export default 'a string'\n",
  })
  const none = await failure(root, 'services/none.ts')
  assert.equal(none.message, `services/none.ts: has no default export. It must end with: ${EXPECTED}`)
  const wrong = await failure(root, 'services/wrong.ts')
  assert.equal(wrong.message, `services/wrong.ts: exports something else by default. It must end with: ${EXPECTED}`)
})

test('reload 0 imports the file as is; reload N imports a fresh copy', async (t) => {
  const root = await tempProject(t, { 'services/n.ts': 'export default 1\n' })
  const file = join(root, 'services/n.ts')
  assert.equal(await importDefault({ file, root, reload: 0 }, isNumber, EXPECTED), 1)
  await writeFiles(root, { 'services/n.ts': 'export default 2\n' })
  assert.equal(await importDefault({ file, root, reload: 0 }, isNumber, EXPECTED), 1, 'cached')
  assert.equal(await importDefault({ file, root, reload: 1 }, isNumber, EXPECTED), 2)
  await writeFiles(root, { 'services/n.ts': 'export default 3\nconst = 3\n' })
  assert.match((await failure(root, 'services/n.ts', 2)).message, /^services\/n\.ts:2:7: /)
})
