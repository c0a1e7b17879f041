import assert from 'node:assert/strict'
import { test } from 'node:test'
import { NatsTopicBus } from '../../src/cluster/nats-topics.ts'
import { topicSubject } from '../../src/cluster/subjects.ts'
import { createRuntime } from '../../src/index.ts'
import { svc, tempProject } from '../helpers/project.ts'
import { startNats } from './nats-server.ts'

function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) resolve()
      else if (Date.now() > end) reject(new Error('timed out waiting'))
      else setTimeout(poll, 5)
    }
    poll()
  })
}

test('topic subjects are one token, escaped one-to-one', () => {
  assert.equal(topicSubject('scores'), 'nano.topic.scores')
  assert.equal(topicSubject('sport/scores'), 'nano.topic.sport~2Fscores')
  assert.equal(topicSubject('a.b *>'), 'nano.topic.a~2Eb~20~2A~3E')
  assert.equal(topicSubject('é'), 'nano.topic.~C3~A9')
  assert.equal(topicSubject(''), 'nano.topic.~')
  assert.notEqual(topicSubject('~2F'), topicSubject('/'))
})

test('the NATS topic bus delivers to every node, this one included', async (t) => {
  const nats = await startNats(t)
  const errors: unknown[] = []
  const [ncA, ncB] = [await nats.connect(), await nats.connect()]
  const a = new NatsTopicBus({ connection: ncA, onError: (e) => errors.push(e) })
  const b = new NatsTopicBus({ connection: ncB, onError: (e) => errors.push(e) })
  nats.after(() => {
    a.close()
    b.close()
  })
  const gotA: unknown[] = []
  const gotB: unknown[] = []
  const stopA = a.subscribe('sport/scores', (data, topic) => gotA.push([topic, data]))
  b.subscribe('sport/scores', (data, topic) => gotB.push([topic, data]))
  b.subscribe('sport/scores', () => {
    throw new Error('one listener fails')
  })
  const other: unknown[] = []
  b.subscribe('other', (data) => other.push(data))
  await Promise.all([ncA.flush(), ncB.flush()]) // the server has every subscription
  a.publish('sport/scores', { goal: 1 })
  a.publish('sport/scores', undefined)
  await until(() => gotA.length === 2 && gotB.length === 2)
  assert.deepEqual(gotA, [
    ['sport/scores', { goal: 1 }],
    ['sport/scores', undefined],
  ])
  assert.deepEqual(gotB, gotA, 'another connection gets the same messages, in order')
  assert.equal(errors.length, 2, 'a throwing listener goes to onError, the others still run')
  assert.deepEqual(other, [], 'other topics are untouched')
  stopA()
  b.publish('sport/scores', { goal: 2 })
  await until(() => gotB.length === 3)
  assert.equal(gotA.length, 2, 'an unsubscribed listener gets nothing more')
})

test('ctx.publish of a runtime reaches a listener of another runtime', async (t) => {
  const nats = await startNats(t)
  const here = new NatsTopicBus({ connection: await nats.connect() })
  const thereNc = await nats.connect()
  const there = new NatsTopicBus({ connection: thereNc })
  const rt = createRuntime({
    root: await tempProject(t, {
      'services/goal.ts': svc(
        `input: z.object({}), output: z.string(), run: (_, ctx) => { ctx.publish('scores', { goal: true }); return 'ok' },`,
      ),
    }),
    topics: here,
    logger: false,
  })
  nats.after(async () => {
    await rt.close()
    here.close()
    there.close()
  })
  const got: unknown[] = []
  there.subscribe('scores', (data) => got.push(data))
  await thereNc.flush()
  assert.equal(await rt.call('goal', {}), 'ok')
  await until(() => got.length === 1)
  assert.deepEqual(got, [{ goal: true }])
})
