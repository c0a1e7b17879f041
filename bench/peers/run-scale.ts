/**
 * Runs the scale workload of `bench:peers` over every peer and N: the table's N (1,000) in
 * `rounds` interleaved rounds, the other N of the sweep in `sweepRounds`. A spawn that fails or
 * times out is recorded with its reason and the run goes on.
 */
import { median } from '../lib/stats.ts'
import { measureScale, SCALE_PEERS, type ScalePeer, type ScaleSample } from './scale.ts'

/**
 * Per peer, per N: the median sample, or why there is none.
 *
 * @example
 * const figures: ScaleFigures = await runScale(options)
 */
export type ScaleFigures = Record<string, Record<number, ScaleSample | { na: string }>>

/**
 * The N of the table's rows.
 *
 * @example
 * const page = figures.nanoweb?.[TABLE_N]
 */
export const TABLE_N = 1000

/**
 * Measures every peer at every N of the sweep.
 *
 * @example
 * const figures = await runScale({ rounds: 3, sweep: [10, 100, 1000], sweepRounds: 1, workerdMax: 1000, startTimeoutMs: 240_000, progress: console.error })
 */
export async function runScale(opts: {
  rounds: number
  sweep: readonly number[]
  sweepRounds: number
  workerdMax: number
  startTimeoutMs: number
  progress: (text: string) => void
}): Promise<ScaleFigures> {
  const samples: Record<string, Record<number, ScaleSample[]>> = {}
  const failures: Record<string, Record<number, string>> = {}
  const figures: ScaleFigures = {}
  const fail = (peer: string, count: number, reason: string) => {
    failures[peer] = { ...failures[peer], [count]: reason }
  }
  const keep = (peer: string, count: number, sample: ScaleSample) => {
    const byCount = samples[peer] ?? {}
    samples[peer] = { ...byCount, [count]: [...(byCount[count] ?? []), sample] }
  }
  for (const count of [...opts.sweep].sort((a, b) => a - b)) {
    const rounds = count === TABLE_N ? opts.rounds : opts.sweepRounds
    for (let round = 0; round < rounds; round++) {
      for (const peer of SCALE_PEERS) {
        if (failures[peer]?.[count] !== undefined) continue
        if (peer === 'workerd' && count > opts.workerdMax) {
          fail(
            peer,
            count,
            `capped at ${opts.workerdMax} fragments (WORKERD_MAX): workerd needs ~3.3 GB RSS (and 8–25 s to start) for 1,000 + 1,000 workers here, so 10,000 + 10,000 would not fit in this machine's RAM`,
          )
          continue
        }
        opts.progress(`scale: ${peer}, ${count} fragments + ${count} data services, round ${round + 1}/${rounds}`)
        try {
          const sample = await measureScale(peer as ScalePeer, count, {
            pages: count >= 10_000 ? 5 : 20,
            budgetMs: 3000,
            startTimeoutMs: opts.startTimeoutMs,
          })
          keep(peer, count, sample)
          opts.progress(
            `  start ${(sample.startMs / 1000).toFixed(2)} s, RSS ${(sample.rssBytes / 2 ** 20).toFixed(0)} MB, page ${sample.pageMs.toFixed(1)} ms`,
          )
        } catch (error) {
          const reason = `failed at ${count}: ${String((error as Error).message ?? error).slice(0, 300)}`
          fail(peer, count, reason)
          opts.progress(`  ${reason}`)
        }
      }
    }
  }
  for (const peer of SCALE_PEERS) {
    figures[peer] = {}
    for (const count of opts.sweep) {
      const list = samples[peer]?.[count]
      const failed = failures[peer]?.[count]
      if (list !== undefined && list.length > 0) {
        figures[peer][count] = {
          startMs: median(list.map((s) => s.startMs)),
          rssBytes: median(list.map((s) => s.rssBytes)),
          pageMs: median(list.map((s) => s.pageMs)),
        }
      } else if (failed !== undefined) figures[peer][count] = { na: failed }
    }
  }
  return figures
}
