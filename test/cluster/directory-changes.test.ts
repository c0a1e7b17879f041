import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Directory } from '../../src/cluster/directory.ts'

test('the directory counts changes of what nodes run, and only changes', () => {
  const directory = new Directory()
  const start = directory.changes
  directory.apply({ node: 'a', names: ['geo/lookup'] })
  const joined = directory.changes
  assert.ok(joined > start, 'a node joining is a change')
  directory.apply({ node: 'a', names: ['geo/lookup'] })
  assert.equal(directory.changes, joined, 'the same announcement again is not')
  directory.describe('a', [{ name: 'geo/lookup' } as never])
  assert.ok(directory.changes > joined, 'descriptions read are a change')
  const described = directory.changes
  directory.drop('a')
  assert.ok(directory.changes > described, 'a node leaving is a change')
  const dropped = directory.changes
  directory.drop('a')
  assert.equal(directory.changes, dropped, 'dropping an unknown node is not')
})
