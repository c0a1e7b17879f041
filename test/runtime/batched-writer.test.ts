import assert from 'node:assert/strict'
import { test } from 'node:test'
import { batchedWriter } from '../../src/runtime/logger.ts'

test('batchedWriter gathers the lines of one turn into one write, in order', async () => {
  const writes: string[] = []
  const write = batchedWriter({ write: (text: string) => writes.push(text) })
  write('a\n')
  write('b\n')
  write('c\n')
  assert.deepEqual(writes, [], 'nothing written within the turn')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(writes, ['a\nb\nc\n'])
  write('d\n')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(writes, ['a\nb\nc\n', 'd\n'], 'a later turn is a later write')
})
