/** 32-bit FNV-1a hash of a string: the same text always gives the same number. */
export function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A pseudo-random generator (mulberry32) seeded by `seed`: same seed, same numbers in [0, 1). */
export function seeded(seed: string): () => number {
  let state = hash(seed)
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One item of a non-empty list, chosen by `random`. */
export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T
}

/** A copy of `items` in an order chosen by `random` (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

/** A Poisson-distributed count with the given mean (goals in a match, incidents on a road). */
export function poisson(mean: number, random: () => number): number {
  let k = 0
  let p = Math.exp(-mean)
  let sum = p
  const u = random()
  while (u > sum && k < 20) {
    k++
    p *= mean / k
    sum += p
  }
  return k
}

/** `value` rounded to `digits` decimal places. */
export function round(value: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
