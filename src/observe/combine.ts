import type { ObservedCall, ObservedWork, Observer } from '../runtime/ports.ts'

/**
 * One {@link Observer} made of several: each hook calls the parts that have it, in order; `run`
 * nests them (the first outermost); `metrics`, `figures` and `current` come from the first part
 * that has them; `hit` exists only when every part has it (one that lacks it must see each call
 * through `start`/`end`). A part's state lives under its own key, so parts never see each other's.
 * No part gives undefined; one part is returned as it is.
 *
 * @example
 * const observer = combineObservers([metrics, tracing])
 */
export function combineObservers(parts: readonly (Observer | undefined)[]): Observer | undefined {
  const present = parts.filter((part): part is Observer => part !== undefined)
  if (present.length <= 1) return present[0]
  return new CombinedObserver(present)
}

type Subject = ObservedCall | ObservedWork

class CombinedObserver implements Observer {
  readonly #parts: readonly Observer[]
  readonly requests: boolean
  readonly run?: Observer['run']
  readonly begin?: Observer['begin']
  readonly finish?: Observer['finish']
  readonly hit?: Observer['hit']
  readonly cache?: Observer['cache']
  readonly fallback?: Observer['fallback']
  readonly live?: Observer['live']
  readonly metrics?: Observer['metrics']
  readonly figures?: Observer['figures']
  readonly current?: Observer['current']

  constructor(parts: readonly Observer[]) {
    this.#parts = parts
    this.requests = parts.some((part) => part.requests === true)
    const having = <K extends keyof Observer>(key: K): Observer[] => parts.filter((part) => part[key] !== undefined)
    const runners = having('run')
    if (runners.length > 0) {
      this.run = <T>(subject: Subject, fn: () => T): T => this.#nest(runners, 0, subject, fn)
    }
    const beginners = having('begin')
    if (beginners.length > 0) this.begin = (work) => this.#each(beginners, work, (p, w) => p.begin?.(w as ObservedWork))
    const finishers = having('finish')
    if (finishers.length > 0) {
      this.finish = (work, status, error) =>
        this.#each(finishers, work, (p, w) => p.finish?.(w as ObservedWork, status, error))
    }
    if (parts.every((part) => part.hit !== undefined)) {
      this.hit = (service, caller) => {
        for (const p of parts) p.hit?.(service, caller)
      }
    }
    const caches = having('cache')
    if (caches.length > 0) {
      this.cache = (service, result) => {
        for (const p of caches) p.cache?.(service, result)
      }
    }
    const fallbacks = having('fallback')
    if (fallbacks.length > 0) {
      this.fallback = (fragment, page, reason) => {
        for (const p of fallbacks) p.fallback?.(fragment, page, reason)
      }
    }
    const lives = having('live')
    if (lives.length > 0) {
      this.live = (change) => {
        for (const p of lives) p.live?.(change)
      }
    }
    const metrics = having('metrics')[0]
    if (metrics !== undefined) this.metrics = () => metrics.metrics?.() ?? ''
    const figures = having('figures')[0]
    if (figures?.figures !== undefined) this.figures = figures.figures.bind(figures)
    const current = having('current')[0]
    if (current?.current !== undefined) this.current = current.current.bind(current)
  }

  start(call: ObservedCall): void {
    this.#each(this.#parts, call, (part, c) => part.start(c as ObservedCall))
  }

  end(call: ObservedCall, error: unknown): void {
    this.#each(this.#parts, call, (part, c) => part.end(c as ObservedCall, error))
  }

  /** Calls `hook` for each part with the subject's state swapped to that part's own. */
  #each(parts: readonly Observer[], subject: Subject, hook: (part: Observer, subject: Subject) => void): void {
    if (subject.state === undefined) subject.state = new Array<unknown>(this.#parts.length)
    const states = subject.state as unknown[]
    for (const part of parts) {
      const at = this.#parts.indexOf(part)
      subject.state = states[at]
      hook(part, subject)
      states[at] = subject.state
    }
    subject.state = states
  }

  /**
   * Runs `fn` inside every runner's `run`, each handed the subject with its own state (a runner
   * reads the state when `run` is called; the subject holds every part's state again inside).
   */
  #nest<T>(runners: readonly Observer[], i: number, subject: Subject, fn: () => T): T {
    const runner = runners[i]
    if (runner === undefined) return fn()
    const states = subject.state as unknown[] | undefined
    subject.state = states?.[this.#parts.indexOf(runner)]
    try {
      return (runner.run as NonNullable<Observer['run']>)(subject, () => {
        subject.state = states
        return this.#nest(runners, i + 1, subject, fn)
      })
    } finally {
      subject.state = states
    }
  }
}
