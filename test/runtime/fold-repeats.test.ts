import assert from 'node:assert/strict'
import { test } from 'node:test'
import { foldRepeats, type LogRecord } from '../../src/runtime/logger.ts'
import { ManualClock } from '../helpers/clock.ts'

function folded(options: { windowMs?: number; maxKinds?: number } = {}) {
  const clock = new ManualClock(0)
  const out: LogRecord[] = []
  const sink = foldRepeats((r) => out.push(r), { clock, windowMs: 1000, ...options })
  const log = (message: string, level: LogRecord['level'] = 'warn', fields: Record<string, unknown> = {}) =>
    sink({ ...fields, level, message, time: clock.now() })
  return { clock, out, log }
}

test('the first record of a kind passes; repeats in the window become one summary at its end', () => {
  const { clock, out, log } = folded()
  for (let i = 0; i < 500; i++) log('live stream refused', 'warn', { remote: `10.0.0.${i % 7}` })
  assert.equal(out.length, 1)
  clock.advance(999)
  assert.equal(out.length, 1)
  clock.advance(1)
  assert.equal(out.length, 2)
  assert.deepEqual(out[1], {
    level: 'warn',
    message: 'live stream refused (repeated 499 times)',
    time: 1000,
    remote: '10.0.0.2',
    repeated: 499,
  })
})

test('a flood that goes on gives one summary per window; a quiet window ends the fold', () => {
  const { clock, out, log } = folded()
  for (let second = 0; second < 3; second++) {
    for (let i = 0; i < 100; i++) log('boom', 'error')
    clock.advance(1000)
  }
  assert.deepEqual(
    out.map((r) => r.message),
    ['boom', 'boom (repeated 99 times)', 'boom (repeated 100 times)', 'boom (repeated 100 times)'],
  )
  clock.advance(1000)
  assert.equal(clock.pending, 0, 'no timers once quiet')
  log('boom', 'error')
  assert.equal(out.length, 5, 'after the fold ends, the next record passes at once')
})

test('kinds are told apart by level and message; a record alone gives no summary', () => {
  const { clock, out, log } = folded()
  log('a', 'warn')
  log('a', 'error')
  log('b', 'warn')
  log('a', 'warn')
  clock.advance(5000)
  assert.deepEqual(
    out.map((r) => `${r.level} ${r.message}`),
    ['warn a', 'error a', 'warn b', 'warn a (repeated 1 time)'],
  )
})

test('past maxKinds distinct kinds in one window, records pass unfolded', () => {
  const { out, log } = folded({ maxKinds: 2 })
  for (const message of ['a', 'b', 'c', 'c', 'c', 'a']) log(message)
  assert.deepEqual(
    out.map((r) => r.message),
    ['a', 'b', 'c', 'c', 'c'],
  )
})
