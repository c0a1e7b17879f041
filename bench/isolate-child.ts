/**
 * Child process of bench/isolate.ts: loads every service of a generated project (each called
 * once, one after the other), reporting RSS before and after, and once more after `isolateIdle`
 * (given: `10m` keeps every isolate alive, `1s` lets them be disposed). Prints one JSON line.
 */
import { createRuntime } from '../src/index.ts'

const [root, first, idle] = process.argv.slice(2) as [string, string, '10m' | '1s']
const rt = createRuntime({ root, logger: false, isolateIdle: idle, isolateLimits: { cpu: '100ms' } })
const input = { id: 1, name: 'x' }
await rt.call(first, input)
const settle = async (ms: number): Promise<number> => {
  await new Promise((resolve) => setTimeout(resolve, ms))
  globalThis.gc?.()
  return process.memoryUsage().rss
}
const rssBefore = await settle(50)
const names = rt.names().filter((name) => name !== first)
const started = performance.now()
for (const name of names) await rt.call(name, input)
const loadMs = performance.now() - started
const rssLoaded = await settle(50)
const rssIdle = await settle(2500)
process.stdout.write(`${JSON.stringify({ count: names.length, loadMs, rssBefore, rssLoaded, rssIdle })}\n`)
await rt.close()
