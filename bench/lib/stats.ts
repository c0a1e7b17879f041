/**
 * Small helpers every benchmark shares: timing loops, medians and aligned report lines.
 */

/**
 * Median of numbers (the middle one, or the mean of the two middle ones).
 *
 * @example
 * median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Nanoseconds per iteration of an awaited async function, over `iterations` sequential calls.
 *
 * @example
 * const ns = await nsPerCall(() => fn(), 100_000)
 */
export async function nsPerCall(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await fn()
  return Number(process.hrtime.bigint() - start) / iterations
}

/**
 * Runs each named case `rounds` times, interleaved (so that machine noise hits every case alike),
 * and returns each case's median ns/call.
 *
 * @example
 * const medians = await interleaved({ plain: () => plain(), rt: () => rt.call('a', {}) }, 7, 100_000)
 */
export async function interleaved(
  cases: Record<string, () => Promise<unknown>>,
  rounds: number,
  iterations: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
  for (const fn of Object.values(cases)) await nsPerCall(fn, Math.min(iterations, 20_000))
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(cases)) samples[name]?.push(await nsPerCall(fn, iterations))
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}

/**
 * Refuses to run a benchmark on Node older than 24.
 *
 * @example
 * requireNode24()
 */
export function requireNode24(): void {
  const major = Number(process.versions.node.split('.')[0])
  if (major < 24) {
    console.error(`Benchmarks need Node.js >= 24 (this is ${process.version}); run them with npm run bench:*`)
    process.exit(1)
  }
}

/**
 * Exits with a hint when the `wrk` load generator (Debian package `wrk`) is not installed.
 *
 * @example
 * await requireWrk('bench:front')
 */
export async function requireWrk(bench: string): Promise<void> {
  const { spawnSync } = await import('node:child_process')
  const found = spawnSync('wrk', ['--version'])
  if (found.error !== undefined && (found.error as { code?: string }).code === 'ENOENT') {
    console.error(`${bench} needs wrk: sudo apt-get install wrk`)
    process.exit(1)
  }
}

/**
 * Formats one row of a results table.
 *
 * @example
 * row('rt.call', '0.41 µs', '+0.12 µs') // 'rt.call              0.41 µs   +0.12 µs'
 */
export function row(...cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(14))).join('')
}

/**
 * Calls per second with `inflight` calls always in flight for `seconds` (call `n` gets its index).
 *
 * @example
 * const perSecond = await flood((n) => rt.call('geo', { id: n }), 5, 64)
 */
export async function flood(call: (n: number) => Promise<unknown>, seconds: number, inflight: number): Promise<number> {
  let done = 0
  const start = performance.now()
  const end = start + seconds * 1000
  const worker = async (id: number) => {
    for (let i = id; performance.now() < end; i += inflight) {
      await call(i)
      done += 1
    }
  }
  await Promise.all(Array.from({ length: inflight }, (_, id) => worker(id)))
  return done / ((performance.now() - start) / 1000)
}
