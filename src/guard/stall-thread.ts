/**
 * The watchdog's thread (started by `Watchdog`, never imported): every `pollMs` it reads the
 * heartbeat the main thread counts up; once the count has not moved for `limitMs`, the event loop
 * is stalled. It then writes one JSON log line straight to stderr (the main thread cannot), naming
 * the service running synchronously (the runtime's shared slot), flags the stall for the main
 * thread, and, in replace mode, kills the process (SIGKILL) so that its supervisor starts a fresh
 * one. It also kills the process once a shutdown deadline set by the main thread has passed by
 * 1 s (a shutdown stuck in a stalled loop). Node built-ins only: this file runs as it is.
 *
 * @example
 * new Worker(new URL('./stall-thread.ts', import.meta.url), { workerData })
 */
import { writeSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

/** What the main thread hands over (see `Watchdog`). */
interface WatchData {
  /** [beat, stalled (0/1), id of the stalled service, replace on stall (0/1)] */
  readonly state: Int32Array
  /** The runtime's slot: [0] is the id of the service running synchronously. */
  readonly running: Int32Array
  /** [0]: kill the process if still alive 1 s after this time (ms since the epoch); 0: none. */
  readonly exitAt: Float64Array
  readonly limitMs: number
  readonly pollMs: number
  /** Write the stall line to stderr. */
  readonly report: boolean
  readonly names: readonly string[]
}

const BEAT = 0
const STALLED = 1
const SERVICE = 2
const REPLACE = 3
const EXIT_GRACE_MS = 1000

const data = workerData as WatchData
const names: string[] = [...data.names]
parentPort?.on('message', (message: readonly { id: number; name: string }[]) => {
  for (const { id, name } of message) names[id] = name
})

let beat = Atomics.load(data.state, BEAT)
let movedAt = performance.now()
let reported = false

setInterval(() => {
  const now = performance.now()
  const current = Atomics.load(data.state, BEAT)
  if (current !== beat) {
    beat = current
    movedAt = now
    reported = false
  } else if (!reported && now - movedAt >= data.limitMs) {
    reported = true
    stalled(Math.round(now - movedAt))
  }
  const exitAt = data.exitAt[0] as number
  if (exitAt > 0 && Date.now() >= exitAt + EXIT_GRACE_MS) {
    write({ level: 'error', message: 'shutdown did not finish within its timeout: killing the process' })
    process.kill(process.pid, 'SIGKILL')
  }
}, data.pollMs)

function stalled(forMs: number): void {
  const id = Atomics.load(data.running, 0)
  Atomics.store(data.state, SERVICE, id)
  Atomics.store(data.state, STALLED, 1)
  const service = id > 0 ? names[id] : undefined
  const replace = Atomics.load(data.state, REPLACE) === 1
  const where = service === undefined ? 'outside any service run' : `in service '${service}'`
  write({
    level: service === undefined ? 'warn' : 'error',
    message: `event loop stalled for over ${forMs} ms ${where}${replace ? ': killing this worker so that it is replaced' : ''}`,
    service: service ?? null,
    stalledMs: forMs,
  })
  if (replace) process.kill(process.pid, 'SIGKILL')
}

function write(record: Record<string, unknown>): void {
  if (!data.report) return
  try {
    writeSync(2, `${JSON.stringify({ ...record, time: Date.now(), pid: process.pid })}\n`)
  } catch {
    // stderr closed: nothing to report to.
  }
}
