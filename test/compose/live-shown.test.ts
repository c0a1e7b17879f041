import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer, type NanoServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { openSse } from '../helpers/sse.ts'
import { until } from '../helpers/wait.ts'

type Hooks = { shownScore?: string; shownRenders?: number }
const hooks = globalThis as Hooks

const FILES: Record<string, string> = {
  'services/live/score.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  input: z.object({ match: z.string() }),
  live: { on: 'scores' },
  render: ({ match }) => {
    globalThis.shownRenders = (globalThis.shownRenders ?? 0) + 1
    return html\`<b class="score">\${match} \${globalThis.shownScore}</b>\`
  },
})
`,
  'pages/match.html': `<html><head></head><body><nano-fragment src="live/score" match="r7"></nano-fragment></body></html>`,
}

async function start(t: import('node:test').TestContext): Promise<NanoServer> {
  hooks.shownScore = '0-0'
  hooks.shownRenders = 0
  const root = await tempProject(t, FILES)
  const server = await createServer({ root, port: 0, logger: false })
  t.after(() => server.close())
  return server
}

const renders = (): number => hooks.shownRenders ?? 0

async function watch(t: import('node:test').TestContext, server: NanoServer): Promise<void> {
  const page = await request(`${server.url}/match`)
  const src = /src="\/_nano\/live\.js" data-src="([^"]+)"/.exec(page.text)?.[1] as string
  const sse = await openSse(server.url + src.replaceAll('&amp;', '&'))
  t.after(() => sse.close())
  await until(() => (server.app.live.stats().viewers === 1 ? true : undefined), 'one viewer')
  await until(() => (server.app.live.stats().rendering === 0 ? true : undefined), 'no render under way')
}

test('a live fragment nobody watches renders for every page', async (t) => {
  const server = await start(t)
  await request(`${server.url}/match`)
  const before = renders()
  await request(`${server.url}/match`)
  await request(`${server.url}/match`)
  assert.equal(renders() - before, 2)
})

test('a page shows a watched live instance as its viewers see it, without rendering it again, and its next change at once', async (t) => {
  const server = await start(t)
  await watch(t, server)
  const before = renders()
  for (let i = 0; i < 3; i++) assert.match((await request(`${server.url}/match`)).text, /<b class="score">r7 0-0<\/b>/)
  assert.equal(renders(), before, 'the pages took the hub\u2019s HTML')
  hooks.shownScore = '1-0'
  server.runtime.publish('scores')
  await until(
    () => (renders() === before + 1 && server.app.live.stats().rendering === 0 ? true : undefined),
    'the re-render',
  )
  assert.match((await request(`${server.url}/match`)).text, /<b class="score">r7 1-0<\/b>/)
  assert.equal(renders(), before + 1, 'one render for the change, however many pages')
})

test('once nobody watches, pages render the fragment again', async (t) => {
  const server = await start(t)
  const page = await request(`${server.url}/match`)
  const src = /src="\/_nano\/live\.js" data-src="([^"]+)"/.exec(page.text)?.[1] as string
  const sse = await openSse(server.url + src.replaceAll('&amp;', '&'))
  await until(() => (server.app.live.shown('live/score', { match: 'r7' }) !== undefined ? true : undefined), 'watched')
  sse.close()
  await until(() => (server.app.live.stats().viewers === 0 ? true : undefined), 'no viewer')
  assert.equal(server.app.live.shown('live/score', { match: 'r7' }), undefined)
  const before = renders()
  await request(`${server.url}/match`)
  assert.equal(renders(), before + 1)
})
