import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { walkFiles } from '../../src/registry/walk-files.ts'
import { tempProject } from '../helpers/project.ts'
import { raw } from './raw.ts'

async function outsideFolder(t: import('node:test').TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nano-outside-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'passwd'), 'root:x:0:0:secret\n')
  await mkdir(join(dir, 'pages'))
  await writeFile(join(dir, 'pages', 'stolen.html'), '<html><body>outside page</body></html>')
  return dir
}

test('a file link out of public/ or pages/_assets/ is not served; a link inside is', async (t) => {
  const outside = await outsideFolder(t)
  const root = await tempProject(t, {
    'public/real.txt': 'real\n',
    'pages/_assets/site.css': 'p { margin: 0 }\n',
    'pages/index.html': '<html><body>home</body></html>',
  })
  await symlink(join(outside, 'passwd'), join(root, 'public', 'passwd.txt'))
  await symlink(join(outside, 'passwd'), join(root, 'pages', '_assets', 'passwd.css'))
  await symlink(outside, join(root, 'public', 'out'))
  await symlink(join(root, 'public', 'real.txt'), join(root, 'public', 'alias.txt'))
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  for (const path of ['/passwd.txt', '/_assets/passwd.css', '/out/passwd']) {
    const answer = await raw(`${server.url}${path}`)
    assert.equal(answer.status, 404, path)
    assert.doesNotMatch(answer.text, /secret/, path)
    const head = await raw(`${server.url}${path}`, { method: 'HEAD' })
    assert.equal(head.status, 404, `HEAD ${path}`)
  }
  assert.equal((await raw(`${server.url}/alias.txt`)).text, 'real\n', 'a link inside the folder is followed')
  assert.equal((await raw(`${server.url}/_assets/site.css`)).status, 200)
})

test('a directory cycle under pages/ keeps the scan finite; links out of pages/ are not pages', async (t) => {
  const outside = await outsideFolder(t)
  const root = await tempProject(t, {
    'pages/index.html': '<html><body>home</body></html>',
    'pages/sport/live.html': '<html><body>live</body></html>',
  })
  await symlink(join(root, 'pages'), join(root, 'pages', 'sport', 'loop'))
  await symlink(join(root, 'pages', 'sport'), join(root, 'pages', 'sport', 'self'))
  await symlink(join(outside, 'pages'), join(root, 'pages', 'elsewhere'))
  await symlink(join(outside, 'pages', 'stolen.html'), join(root, 'pages', 'stolen.html'))
  const files = walkFiles(join(root, 'pages'))
  assert.deepEqual(files, ['index.html', join('sport', 'live.html')])
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  assert.deepEqual(
    server.app.pages.entries().map((e) => e.route),
    ['/', '/sport/live'],
  )
  assert.equal((await raw(`${server.url}/sport/live`)).status, 200)
  for (const path of ['/stolen', '/elsewhere/stolen', '/sport/loop/index']) {
    assert.equal((await raw(`${server.url}${path}`)).status, 404, path)
  }
})

test('walkFiles follows a directory link that stays inside the folder, once', async (t) => {
  const root = await tempProject(t, { 'pages/shared/card.html': '<p>card</p>' })
  await symlink(join(root, 'pages', 'shared'), join(root, 'pages', 'alias'))
  const files = walkFiles(join(root, 'pages'))
  assert.deepEqual(files, [join('shared', 'card.html')], 'each real folder read once, by its real path')
  assert.deepEqual(walkFiles(join(root, 'missing')), [])
})
