import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Which service's code runs now, as cheaply as the call path allows: `slot[0]` holds the id of
 * the service whose `run` is executing synchronously (0: none), written around every `run`;
 * `context` holds the service's name for everything an `async run` does (its timers, promises
 * and callbacks), through AsyncLocalStorage, once `tracksAsync` is on (the process guards turn it
 * on). Only `async` functions are run inside the store (that costs about 0.2–0.4 µs a call; a
 * plain `run` pays two typed-array writes).
 * The slot lives in a SharedArrayBuffer so that a watchdog thread can read it while the event
 * loop is stalled. One per process: there is one event loop.
 *
 * @example
 * const id = RUNNING.idOf('weather/current') // 3, the same for every later load
 * RUNNING.nameOf(RUNNING.slot[0] ?? 0) // 'weather/current' while its run executes
 */
export interface RunningServices {
  /** `[0]`: id of the service running synchronously now, 0 when none. Shared memory. */
  readonly slot: Int32Array
  /** The name of the service whose async work is running now, if any (while {@link RunningServices.tracksAsync}). */
  readonly context: AsyncLocalStorage<string>
  /**
   * Run `async` runs inside {@link RunningServices.context}. Off by default (it costs about
   * 0.2–0.4 µs a call, and only the process guards read it): the guards turn it on.
   */
  tracksAsync: boolean
  /** A stable id (1, 2, …) for a service name, made on first use. */
  idOf(name: string): number
  /** The name of an id, or undefined. */
  nameOf(id: number): string | undefined
  /** Every name so far, by id (index 0 is ''). */
  names(): readonly string[]
  /** Calls `listener` with every new id and its name (a watchdog posts them to its thread); returns a function that stops. */
  watchNames(listener: (id: number, name: string) => void): () => void
}

const ids = new Map<string, number>()
const names: string[] = ['']
const listeners = new Set<(id: number, name: string) => void>()

/**
 * This process's {@link RunningServices}.
 *
 * @example
 * RUNNING.context.getStore() // 'weather/current' inside its async run
 */
export const RUNNING: RunningServices = {
  slot: new Int32Array(new SharedArrayBuffer(4)),
  context: new AsyncLocalStorage<string>(),
  tracksAsync: false,
  idOf(name) {
    let id = ids.get(name)
    if (id === undefined) {
      id = names.length
      names.push(name)
      ids.set(name, id)
      for (const listener of listeners) listener(id, name)
    }
    return id
  },
  nameOf: (id) => (id > 0 ? names[id] : undefined),
  names: () => [...names],
  watchNames(listener) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}

/**
 * True for an `async function` (or async arrow/method): its `run` is executed inside the
 * service's async context.
 *
 * @example
 * isAsyncFunction(async () => 1) // true
 */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction'
}
