import assert from 'node:assert/strict'
import { test } from 'node:test'
import { importEagerly } from '../../src/runtime/eager-import.ts'

const moduleOf = (text: string): string => `data:text/javascript,${encodeURIComponent(text)}`

test('importEagerly imports like import(): concurrent imports, a failing one, and the next after it', async () => {
  const [a, b] = await Promise.all([
    importEagerly<{ f: () => number }>(moduleOf('export const f = () => 1')),
    importEagerly<{ g: (n: number) => Promise<number> }>(moduleOf('export async function g(n) { return n * 2 }')),
  ])
  assert.equal(a.f(), 1)
  assert.equal(await b.g(21), 42)
  await assert.rejects(importEagerly(moduleOf('export const broken = ;')), SyntaxError)
  const after = await importEagerly<{ h: () => string }>(moduleOf('export const h = () => "after"'))
  assert.equal(after.h(), 'after')
})
