/**
 * Upper bounds (seconds) of the duration buckets of every histogram: 0.1 ms (an in-memory call)
 * up to 10 s; a last `+Inf` bucket holds the rest.
 *
 * @example
 * DURATION_BUCKETS[0] // 0.0001
 */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

const LAST = DURATION_BUCKETS.length

/**
 * A duration histogram: a count per bucket (not cumulative), the sum and the count. Made once per
 * series; {@link Histogram.observe} only adds numbers.
 *
 * @example
 * const h = new Histogram()
 * h.observe(bucketOf(0.003), 0.003)
 * h.quantile(0.95) // 0.00475
 */
export class Histogram {
  /** Count per bucket, the last one `+Inf`. */
  readonly counts = new Float64Array(LAST + 1)
  sum = 0
  count = 0

  /** Counts one duration (`bucket` from {@link bucketOf}). */
  observe(bucket: number, seconds: number): void {
    this.counts[bucket] = (this.counts[bucket] as number) + 1
    this.sum += seconds
    this.count++
  }

  /**
   * The `q` quantile (0..1) estimated as Prometheus' `histogram_quantile` does: linear within the
   * bucket that holds it; the highest finite bound when it falls in `+Inf`; null with no samples.
   */
  quantile(q: number): number | null {
    if (this.count === 0) return null
    const rank = q * this.count
    let below = 0
    for (let i = 0; i < LAST; i++) {
      const inBucket = this.counts[i] as number
      if (below + inBucket >= rank && inBucket > 0) {
        const lower = i === 0 ? 0 : (DURATION_BUCKETS[i - 1] as number)
        const upper = DURATION_BUCKETS[i] as number
        return lower + (upper - lower) * ((rank - below) / inBucket)
      }
      below += inBucket
    }
    return DURATION_BUCKETS[LAST - 1] as number
  }
}

/**
 * The index of the bucket a duration falls in (a linear scan: most calls stop at the first).
 *
 * @example
 * bucketOf(0.00005) // 0
 * bucketOf(60) // 15 (+Inf)
 */
export function bucketOf(seconds: number): number {
  let i = 0
  while (i < LAST && seconds > (DURATION_BUCKETS[i] as number)) i++
  return i
}
