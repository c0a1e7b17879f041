import assert from 'node:assert/strict'
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { serve, until } from '../helpers/cli.ts'
import { post } from '../helpers/http.ts'
import { svc, tempProject, writeFiles } from '../helpers/project.ts'

function answering(text: string): string {
  return svc(`input: z.object({}), output: z.string(), run: () => '${text}',`)
}

/** Saves like an editor's safe-write or `sed -i`: a temp file beside the target, renamed over it. */
async function atomicSave(root: string, path: string, text: string): Promise<void> {
  const temp = join(root, `${path}.save-${process.pid}`)
  await writeFile(temp, text)
  await rename(temp, join(root, path))
}

async function answer(url: string, name: string): Promise<unknown> {
  return (await post(`${url}/api/${name}`, {})).body
}

test('dev: every one of several atomic saves (temp file renamed over the service) is live', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, { 'services/ver.ts': answering('v1') })
  const { url, stderr } = await serve(t, ['dev', root, '--port', '0'])
  assert.equal(await answer(url, 'ver'), 'v1')
  for (const version of ['v2', 'v3', 'v4']) {
    await atomicSave(root, 'services/ver.ts', answering(version))
    await until(async () => (await answer(url, 'ver')) === version)
  }

  await writeFiles(root, { 'services/news/item.ts': answering('item 1') })
  await until(async () => (await answer(url, 'news/item')) === 'item 1')
  for (const version of ['item 2', 'item 3']) {
    await atomicSave(root, 'services/news/item.ts', answering(version))
    await until(async () => (await answer(url, 'news/item')) === version)
  }
  assert.doesNotMatch(stderr(), /save-/, 'temp files are not services')
})

test('dev: files the registry does not count as services are ignored', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, { 'services/ver.ts': answering('v1') })
  const { url, stderr } = await serve(t, ['dev', root, '--port', '0'])
  await writeFiles(root, {
    'services/_lib/helper.ts': 'export default (\n',
    'services/ver.test.ts': 'this is not a service (\n',
    'services/.draft/idea.ts': 'nor this (\n',
    'services/types.d.ts': 'declare const x: number\n',
  })
  await atomicSave(root, 'services/ver.ts', answering('v2'))
  await until(async () => (await answer(url, 'ver')) === 'v2')
  await until(async () => /↻ ver reloaded/.test(stderr())).catch(() => assert.fail(stderr()))
  assert.doesNotMatch(stderr(), /helper|ver\.test|idea|types\.d/)
  assert.equal((await post(`${url}/api/_lib/helper`, {})).status, 404)
})

test('dev: nanoweb-env.d.ts is written at start and again when services are added or removed', {
  timeout: 60_000,
}, async (t) => {
  const root = await tempProject(t, { 'services/a.ts': answering('a') })
  const typesFile = join(root, 'nanoweb-env.d.ts')
  const types = (): Promise<string> => readFile(typesFile, 'utf8').catch(() => '')
  const { url, stderr } = await serve(t, ['dev', root, '--port', '0'])
  await until(async () => (await types()).includes('"a": typeof import("./services/a.ts").default'))

  await writeFiles(root, { 'services/b/c.ts': answering('c') })
  await until(async () => (await types()).includes('"b/c": typeof import("./services/b/c.ts").default'))
  await until(async () => /\+ b\/c added/.test(stderr()))

  await rm(join(root, 'services/a.ts'))
  // A read can catch the file mid-rewrite (empty), so wait for the whole expected text.
  await until(async () => {
    const text = await types()
    return text.includes('"b/c"') && !text.includes('"a"')
  })
  await until(async () => (await post(`${url}/api/a`, {})).status === 404)

  const written = (await stat(typesFile)).mtimeMs
  await atomicSave(root, 'services/b/c.ts', answering('c2'))
  await until(async () => (await answer(url, 'b/c')) === 'c2')
  assert.equal((await stat(typesFile)).mtimeMs, written, 'an edit changes no type registration')

  await rm(join(root, 'services/b'), { recursive: true })
  await until(async () => !(await types()).includes('"b/c"'))
  await until(async () => (await post(`${url}/api/b/c`, {})).status === 404)
})

test('dev: a page that names a missing fragment is reported as soon as it is saved', { timeout: 60_000 }, async (t) => {
  const root = await tempProject(t, { 'services/ver.ts': answering('v1'), 'pages/index.html': '<p>home</p>' })
  const { stderr } = await serve(t, ['dev', root, '--port', '0'])
  await writeFiles(root, {
    'pages/index.html': '<html><body><nano-fragment src="frag/nowhere">gone</nano-fragment></body></html>',
  })
  await until(async () => /no service named 'frag\/nowhere'/.test(stderr())).catch(() => assert.fail(stderr()))
  assert.match(stderr(), /pages\/index\.html/)
})
