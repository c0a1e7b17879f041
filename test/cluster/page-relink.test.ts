import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServer } from '../../src/index.ts'
import { request } from '../helpers/http.ts'
import { tempProject } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'
import { startNats } from './nats-server.ts'

const FILES: Record<string, string> = {
  'services/frag/lead.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({ input: z.object({}), render: () => html\`<h1>the lead</h1>\` })
`,
  'pages/index.html': `<html><body><nano-fragment src="frag/lead" primary>no lead</nano-fragment></body></html>`,
}

test('a gateway whose pages were linked before any node ran their fragments links them again as soon as one joins', {
  timeout: 60_000,
}, async (t) => {
  const nats = await startNats(t)
  const root = await tempProject(t, FILES)
  const gateway = await createServer({ root, port: 0, logger: false, nats: { servers: nats.url }, services: [] })
  nats.after(() => gateway.close())
  await until(async () => ((await request(`${gateway.url}/_nano/ready`)).status === 200 ? true : undefined), 'ready')
  const before = await request(`${gateway.url}/`)
  assert.equal(before.status, 500, 'no node runs the primary fragment yet')
  assert.match(before.text, /no lead/)

  const node = await createServer({ root, port: 0, logger: false, nats: { servers: nats.url } })
  nats.after(() => node.close())
  await until(async () => {
    const catalog = (await request(`${gateway.url}/_nano/catalog`)).body as {
      services: { name: string; nodes: string[] }[]
    }
    return catalog.services.some((entry) => entry.name === 'frag/lead' && entry.nodes.length > 0) ? true : undefined
  }, 'the gateway knows the node that runs frag/lead')
  const after = await request(`${gateway.url}/`)
  assert.equal(after.status, 200, 'the first page after the node joined is linked again before it renders')
  assert.match(after.text, /<h1>the lead<\/h1>/)
})
