import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Exchange, StreamSink } from '../../src/http/exchange.ts'
import { LiveEndpoint } from '../../src/http/live-route.ts'
import { settle } from '../helpers/clock.ts'
import { fakeHub, idOf } from '../helpers/live.ts'

function exchange(method: string, ids: string[], remote = '10.0.0.1'): Exchange {
  return {
    method,
    path: '/_nano/live',
    search: ids.map((id) => `f=${encodeURIComponent(id)}`).join('&'),
    header: () => undefined,
    remote,
    body: () => new Uint8Array(),
  }
}

function sink(): StreamSink & { chunks: string[]; close(): void } {
  const listeners: (() => void)[] = []
  return {
    chunks: [],
    write(chunk) {
      this.chunks.push(chunk)
    },
    end: () => {},
    onClose: (listener) => void listeners.push(listener),
    buffered: () => 0,
    drop: () => {},
    close: () => {
      for (const listener of listeners.splice(0)) listener()
    },
  }
}

function setup(limits: { streamsPerAddress?: number; maxInstances?: number } = {}) {
  const h = fakeHub({ maxInstances: limits.maxInstances ?? 100, idleGrace: '10s' })
  const endpoint = new LiveEndpoint({ hub: h.hub, log: (r) => h.logs.push(r), clock: h.clock, ...limits })
  let n = 0
  const fresh = () => idOf('t/score', { match: `m${n++}` })
  return { ...h, h, endpoint, fresh }
}

async function status(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => '200',
    (error: { status: number; code: string }) => `${error.status} ${error.code}`,
  )
}

test('thousands of HEAD and GET requests naming fresh ids keep the instance count bounded', async () => {
  const s = setup({ streamsPerAddress: 4, maxInstances: 100 })
  const heads = await Promise.all(
    Array.from({ length: 3000 }, () => status(s.endpoint.handle(exchange('HEAD', [s.fresh(), s.fresh()]), {}))),
  )
  assert.ok(heads.every((answer) => answer === '200'))
  assert.equal(s.hub.stats().instances, 0, 'HEAD stores nothing')
  const opened: ReturnType<typeof sink>[] = []
  const answers: Record<string, number> = {}
  let most = 0
  for (let i = 0; i < 3000; i++) {
    const ids = Array.from({ length: 3 }, s.fresh)
    const answer = await s.endpoint.handle(exchange('GET', ids, `10.0.${i % 50}.1`), {}).then(
      (reply) => {
        const stream = sink()
        reply.stream?.(stream)
        opened.push(stream)
        return '200'
      },
      (error: { status: number; code: string }) => `${error.status} ${error.code}`,
    )
    answers[answer] = (answers[answer] ?? 0) + 1
    most = Math.max(most, s.hub.stats().instances)
  }
  assert.equal(most, 99, 'at most maxInstances (33 streams of 3)')
  assert.deepEqual(answers, { 200: 33, '429 NANO_E_TOO_MANY_STREAMS': 2967 })
  assert.equal(s.logs.filter((r) => r.message === 'live stream refused').length, 2967, 'one line per refused request')
  for (const stream of opened) stream.close()
  assert.deepEqual([s.hub.stats().instances, s.hub.stats().idle, s.hub.stats().viewers], [99, 99, 0])
  s.clock.advance(10_000)
  assert.equal(s.hub.stats().instances, 0, 'unwatched instances are dropped after the grace')
})

test('per address: the limit is checked before anything is stored; a closed stream frees its place', async () => {
  const s = setup({ streamsPerAddress: 2 })
  const first = sink()
  ;(await s.endpoint.handle(exchange('GET', [s.fresh()]), {})).stream?.(first)
  ;(await s.endpoint.handle(exchange('GET', [s.fresh()]), {})).stream?.(sink())
  assert.equal(await status(s.endpoint.handle(exchange('GET', [s.fresh()]), {})), '429 NANO_E_TOO_MANY_STREAMS')
  assert.equal(s.hub.stats().instances, 2)
  assert.equal(await status(s.endpoint.handle(exchange('GET', [s.fresh()], '10.9.9.9'), {})), '200')
  first.close()
  assert.equal(await status(s.endpoint.handle(exchange('GET', [s.fresh()]), {})), '200')
})

test('a request naming invalid instances is refused whole with one log line, and stores nothing', async () => {
  const s = setup()
  const invalid = Array.from({ length: 256 }, (_, i) => idOf('t/score', { match: i }))
  assert.equal(await status(s.endpoint.handle(exchange('GET', invalid), {})), '400 NANO_E_INVALID_INPUT')
  const junk = [idOf('t/score', { match: 'a', junk: 1 })]
  assert.equal(await status(s.endpoint.handle(exchange('GET', junk), {})), '400 NANO_E_BAD_REQUEST')
  assert.equal(await status(s.endpoint.handle(exchange('HEAD', junk), {})), '400 NANO_E_BAD_REQUEST')
  const many = Array.from({ length: 257 }, s.fresh)
  assert.equal(await status(s.endpoint.handle(exchange('GET', many), {})), '400 NANO_E_BAD_REQUEST')
  assert.equal(await status(s.endpoint.handle(exchange('GET', ['t/none~e30']), {})), '404 NANO_E_NOT_FOUND')
  assert.equal(s.logs.length, 5)
  assert.deepEqual(
    { ...s.logs[0], time: 0, reason: undefined },
    {
      level: 'warn',
      message: 'live stream refused',
      time: 0,
      status: 400,
      code: 'NANO_E_INVALID_INPUT',
      reason: undefined,
      remote: '10.0.0.1',
    },
  )
  assert.equal(s.hub.stats().instances, 0)
})

test('the stream starts with the retry line; heartbeats run on the clock while streams are open', async () => {
  const s = setup({ streamsPerAddress: 5 })
  const reply = await s.endpoint.handle(exchange('GET', [s.fresh()]), {})
  assert.equal(reply.headers['content-type'], 'text/event-stream; charset=utf-8')
  const stream = sink()
  reply.stream?.(stream)
  s.calls[0]?.resolve('<b>0-0</b>')
  await settle()
  s.clock.advance(25_000)
  assert.deepEqual(stream.chunks.slice(0, 1), ['retry: 2000\n\n'])
  assert.match(stream.chunks[1] ?? '', /^id: \w+-1\nevent: fragment\ndata: /)
  assert.equal(stream.chunks[2], ': ping\n\n')
  stream.close()
  s.clock.advance(25_000)
  assert.equal(stream.chunks.length, 3)
  s.endpoint.close()
  s.hub.closeAll()
  assert.equal(s.clock.pending, 0, 'no timers left')
})
