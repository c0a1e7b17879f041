/**
 * Child process of bench/call.ts: creates a runtime over a generated project, reports start-up
 * time and RSS, and optionally calls every service once. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { createRuntime } from '../src/index.ts'

const [root, mode] = process.argv.slice(2)
z.object({ warm: z.string() }).parse({ warm: 'imports loaded before the clock starts' })
globalThis.gc?.()
const started = performance.now()
const rt = createRuntime({ root: root as string, logger: false })
const startMs = performance.now() - started
const result: Record<string, number> = { startMs, rssAfterStart: process.memoryUsage().rss }
if (mode === 'call-all') {
  const t0 = performance.now()
  const names = rt.names()
  for (let i = 0; i < names.length; i += 100) {
    await Promise.all(names.slice(i, i + 100).map((name) => rt.call(name, { id: 1, name: 'x' })))
  }
  result.callAllMs = performance.now() - t0
  result.rssAfterCalls = process.memoryUsage().rss
}
if (mode === 'import-all') {
  const t0 = performance.now()
  const { scanServices } = await import('../src/registry/scan.ts')
  const files = scanServices(root as string)
  for (let i = 0; i < files.length; i += 100) {
    await Promise.all(files.slice(i, i + 100).map((f) => import(pathToFileURL(f.file).href)))
  }
  result.callAllMs = performance.now() - t0
  result.rssAfterCalls = process.memoryUsage().rss
}
process.stdout.write(`${JSON.stringify(result)}\n`)
