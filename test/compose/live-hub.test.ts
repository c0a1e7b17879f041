import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LiveHub } from '../../src/compose/live/index.ts'
import { settle } from '../helpers/clock.ts'
import { FRAGMENTS, fakeHub, fakeStream, idOf } from '../helpers/live.ts'

const SCORE = idOf('t/score', { match: 'r7' })

async function watch(h: ReturnType<typeof fakeHub>, ids: string[], since?: string) {
  const stream = fakeStream()
  const viewer = h.hub.attach(stream, h.hub.admit(await h.hub.resolve(ids)), since)
  return { stream, viewer }
}

const fragments = (chunks: string[]) =>
  chunks.map((c) => JSON.parse(/^data: (.*)$/m.exec(c)?.[1] ?? 'null') as { id: string; html: string })

test('a render that hangs is given up at its deadline; the change that came meanwhile is rendered next', async () => {
  const h = fakeHub()
  const { stream } = await watch(h, [SCORE])
  assert.equal(h.calls.length, 1, 'attaching renders the instance')
  assert.equal(h.calls[0]?.options?.timeout, 10_000, 'a fragment without a timeout renders within renderTimeout')
  h.topics.publish('scores', undefined)
  assert.equal(h.calls.length, 1, 'one render at a time')
  h.clock.advance(9_999)
  assert.equal(h.hub.stats().rendering, 1)
  h.clock.advance(1)
  assert.match(String(h.logs[0]?.message), /t\/score' failed to render/, 'the deadline frees the instance')
  assert.equal(h.calls.length, 2, 'the change that came during the render is rendered after it')
  h.calls[0]?.resolve('<b>late</b>')
  h.calls[1]?.resolve('<b>1-0</b>')
  await settle()
  assert.deepEqual(fragments(stream.chunks), [{ id: SCORE, html: '<b>1-0</b>' }], 'the late answer is ignored')
})

test('a failed render is logged and never freezes the instance', async () => {
  const h = fakeHub()
  const { stream } = await watch(h, [SCORE])
  h.topics.publish('scores', undefined)
  h.calls[0]?.reject(new Error('upstream down'))
  await settle()
  assert.equal(h.logs.length, 1)
  assert.equal(h.calls.length, 2, 'the change that came during the failed render is rendered')
  h.calls[1]?.resolve('<b>2-0</b>')
  await settle()
  h.topics.publish('scores', undefined)
  assert.equal(h.calls.length, 3, 'and later changes too')
  assert.equal(h.clock.pending, 1, 'the deadline timer of the render under way, nothing else')
  assert.deepEqual(fragments(stream.chunks), [{ id: SCORE, html: '<b>2-0</b>' }])
})

test("a fragment's own timeout is its render deadline", async () => {
  const h = fakeHub()
  await watch(h, [idOf('t/slow', {})])
  assert.equal(h.calls[0]?.options?.timeout, undefined, 'the runtime applies the fragment timeout itself')
  h.clock.advance(1_999)
  assert.equal(h.hub.stats().rendering, 1)
  h.clock.advance(1)
  assert.equal(h.hub.stats().rendering, 0)
})

test('`every` runs on the injected clock, only while someone watches', async () => {
  const h = fakeHub({ answer: () => `<i>${h.clock.now()}</i>` })
  const { stream, viewer } = await watch(h, [idOf('t/clock', {})])
  await settle()
  h.clock.advance(1_000)
  await settle()
  h.clock.advance(1_000)
  await settle()
  assert.equal(h.calls.length, 3)
  assert.equal(fragments(stream.chunks).length, 3, 'each new HTML pushed')
  h.hub.close(viewer)
  const stats = h.hub.stats()
  assert.deepEqual([stats.viewers, stats.watched, stats.idle], [0, 0, 1])
  h.clock.advance(10_000)
  await settle()
  assert.equal(h.calls.length, 3, 'no renders without viewers')
})

test('one framed event per change, written as it is to every viewer; same HTML is not pushed', async () => {
  const h = fakeHub({ answer: () => '<b>same</b>' })
  const viewers = await Promise.all(Array.from({ length: 20 }, () => watch(h, [SCORE])))
  await settle()
  assert.equal(h.calls.length, 1, 'one render for 20 viewers')
  h.topics.publish('scores', undefined)
  await settle()
  assert.equal(h.calls.length, 2)
  assert.equal(h.formatted, 1, 'the second render gave the same HTML: nothing framed, nothing pushed')
  const first = viewers[0]?.stream.chunks[0]
  assert.ok(viewers.every((v) => v.stream.chunks.length === 1 && v.stream.chunks[0] === first))
  assert.match(first ?? '', /^id: [0-9a-f]{12}-1\nevent: fragment\ndata: \{.*\}\n\n$/)
})

test('a viewer with too many unsent bytes is dropped', async () => {
  const h = fakeHub({ bufferLimit: 100 })
  const slow = await watch(h, [SCORE])
  const fine = await watch(h, [SCORE])
  slow.stream.backlog = 101
  h.calls[0]?.resolve('<b>x</b>')
  await settle()
  assert.equal(slow.stream.dropped, true)
  assert.equal(fine.stream.chunks.length, 1)
  assert.equal(h.hub.stats().viewers, 1)
})

test('reconnecting with an event id gets only what changed since; another process gets everything', async () => {
  const h = fakeHub({ answer: () => '<b>1-0</b>' })
  const first = await watch(h, [SCORE])
  await settle()
  const [event] = fragments(first.stream.chunks)
  assert.equal(event?.html, '<b>1-0</b>')
  const lastId = /^id: (.*)$/m.exec(first.stream.chunks[0] ?? '')?.[1]
  const again = await watch(h, [SCORE], lastId)
  assert.equal(again.stream.chunks.length, 0)
  const elsewhere = await watch(h, [SCORE], 'abcdef012345-1')
  assert.equal(elsewhere.stream.chunks.length, 1)
})

test('hubs made in the same millisecond have different boots', () => {
  const boots = new Set(Array.from({ length: 50 }, () => fakeHub().hub.boot))
  assert.equal(boots.size, 50)
})

test('seed: the id of the validated input; an input the schema refuses is not live', () => {
  const h = fakeHub()
  const seeded = h.hub.seed({ name: 't/score', input: { match: 'r7' }, html: '<b>0-0</b>' })
  assert.deepEqual(seeded, { id: SCORE, after: 0 })
  assert.equal(h.hub.seed({ name: 't/score', input: { match: 'r7', junk: 1 }, html: '<b>0-0</b>' })?.id, SCORE)
  assert.equal(h.hub.seed({ name: 't/score', input: { match: 7 }, html: undefined }), undefined)
  assert.deepEqual([h.hub.stats().instances, h.hub.stats().idle], [1, 1])
})

test('an instance pages show again is kept current: rendered at once and on its topic, until evicted or idle for the grace', async () => {
  const h = fakeHub({
    maxInstances: 1,
    idleGrace: '30s',
    answer: (call) => `<b>${(call.input as { match: string }).match}</b>`,
  })
  const show = (match: string) => h.hub.seed({ name: 't/score', input: { match }, html: `<b>${match}</b>` })
  show('a')
  h.topics.publish('scores', undefined)
  assert.deepEqual([h.calls.length, h.hub.stats().kept], [0, 0], 'shown once: held, no renders of its own')
  show('a')
  assert.equal(h.calls.length, 1, 'shown again: rendered at once (it may have changed while the page rendered)')
  await settle()
  assert.equal(h.hub.shown('t/score', { match: 'a' })?.html, '<b>a</b>')
  h.topics.publish('scores', undefined)
  assert.equal(h.calls.length, 2, 'and on its topic, nobody watching')
  await settle()
  show('b')
  assert.deepEqual([h.hub.stats().instances, h.hub.stats().kept], [1, 0], 'a made room for b')
  show('b')
  await settle()
  h.topics.publish('scores', undefined)
  assert.deepEqual(
    h.calls.slice(2).map((call) => call.input),
    [{ match: 'b' }, { match: 'b' }],
    'b rendered when shown again and on the topic; the evicted a no longer renders',
  )
  await settle()
  h.clock.advance(30_000)
  assert.equal(h.hub.stats().instances, 0)
  h.topics.publish('scores', undefined)
  assert.equal(h.calls.length, 4, 'nor the one idle for the grace')
  assert.equal(h.clock.pending, 0, 'no schedule, deadline or sweep left')
})

test('ids are checked before anything is stored: unknown, internal, invalid, non-canonical', async () => {
  const h = fakeHub()
  const refused = async (id: string) => {
    const error = await h.hub.resolve([SCORE, id]).then(
      () => undefined,
      (e: { code: string }) => e,
    )
    return error?.code
  }
  assert.equal(await refused('t/none~e30'), 'NANO_E_NOT_FOUND')
  assert.equal(await refused('nonsense'), 'NANO_E_NOT_FOUND')
  assert.equal(await refused(idOf('t/hidden', {})), 'NANO_E_NOT_FOUND')
  assert.equal(await refused(idOf('t/score', { match: 7 })), 'NANO_E_INVALID_INPUT')
  assert.equal(await refused(idOf('t/score', { match: 'r7', junk: 2 })), 'NANO_E_BAD_REQUEST')
  assert.equal(await refused(`t/score~${Buffer.from('{"a":'.repeat(3000)).toString('base64url')}`), 'NANO_E_NOT_FOUND')
  let deep: unknown = 'x'
  for (let i = 0; i < 3000; i++) deep = { match: deep }
  assert.equal(await refused(idOf('t/score', deep)), 'NANO_E_INVALID_INPUT')
  assert.equal(h.hub.stats().instances, 0)
  assert.equal(h.calls.length, 0)
})

test('at most maxInstances: idle ones make room, oldest first; watched ones never', async () => {
  const h = fakeHub({ maxInstances: 3, idleGrace: '30s' })
  const ids = ['a', 'b', 'c', 'd'].map((match) => idOf('t/score', { match }))
  const a = await watch(h, [ids[0] as string])
  for (const id of ids.slice(1, 3))
    h.hub.seed({ name: 't/score', input: JSON.parse(atob(id.split('~')[1] as string)), html: '<b/>' })
  assert.deepEqual([h.hub.stats().instances, h.hub.stats().idle], [3, 2])
  await watch(h, [ids[3] as string])
  assert.deepEqual(Object.keys(h.hub.stats().renders).sort(), [ids[0], ids[2], ids[3]].sort(), 'b was idle longest')
  await assert.rejects(watch(h, [ids[1] as string, ids[2] as string]), (error: { code: string; message: string }) => {
    assert.equal(error.code, 'NANO_E_TOO_MANY_STREAMS')
    assert.match(error.message, /too many live fragment instances/)
    return true
  })
  h.hub.close(a.viewer)
  h.clock.advance(29_999)
  assert.equal(h.hub.stats().instances, 3)
  h.clock.advance(1)
  assert.deepEqual([h.hub.stats().instances, h.hub.stats().idle], [1, 0], 'idle ones dropped after the grace')
})

test('closeAll drops every stream, clears every timer and refuses later streams', async () => {
  const h = fakeHub()
  const { stream } = await watch(h, [SCORE, idOf('t/clock', {})])
  h.hub.closeAll()
  assert.equal(stream.dropped, true)
  assert.throws(() => h.hub.admit([]), { code: 'NANO_E_CLOSED' })
  assert.equal(h.clock.pending, 0, 'no schedule, deadline or sweep left')
  h.calls[0]?.resolve('<b/>')
  h.calls[1]?.reject(new Error('late'))
  await settle()
  assert.deepEqual([h.logs.length, h.formatted], [0, 0], 'answers after shutdown are ignored')
  assert.ok(FRAGMENTS['t/score'] && LiveHub)
})
