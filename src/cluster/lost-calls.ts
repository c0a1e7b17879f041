import type { NatsConnection } from '@nats-io/transport-node'
import type { Clock } from '../runtime/ports.ts'
import { isNoResponders } from './request-failure.ts'
import { SUBJECTS } from './subjects.ts'

interface Pending {
  readonly service: string
  readonly sentAt: number
  readonly expiresAt: number
  readonly settle: (why: 'lost' | 'expired') => void
}

/**
 * Notices calls lost with the node that took them (killed, or cut off mid-call). A call still
 * unanswered after `probeAfterMs` is looked for: every node that runs its service is asked which
 * of the calls it holds (`nano.held.<node>`). A node NATS says is gone holds nothing and is
 * dropped; a node too busy to answer may hold anything. A call no node holds is lost:
 * `settle('lost')` runs (the transport retries an idempotent call, fails the others). A call
 * past its expiry gets `settle('expired')` (a timeout without a timer per call). Costs a map
 * entry per call; the timer runs only while calls are pending.
 *
 * @example
 * const watch = new LostCalls({ nc, clock, nodesOf: (s) => directory.nodesOf(s), gone: (n) => directory.drop(n) })
 * watch.add(id, 'geo/lookup', Date.now() + 5000, (why) => mux.cancel(id, why))
 * // … when the reply comes:
 * watch.delete(id)
 */
export class LostCalls {
  readonly #pending = new Map<string, Pending>()
  readonly #nc: NatsConnection
  readonly #clock: Clock
  readonly #probeAfterMs: number
  readonly #nodesOf: (service: string) => readonly string[]
  readonly #gone: (node: string) => void
  readonly #tickMs: number
  #timer: unknown

  constructor(options: {
    readonly nc: NatsConnection
    readonly clock: Clock
    readonly nodesOf: (service: string) => readonly string[]
    readonly gone: (node: string) => void
    readonly probeAfterMs?: number
  }) {
    this.#nc = options.nc
    this.#clock = options.clock
    this.#nodesOf = options.nodesOf
    this.#gone = options.gone
    this.#probeAfterMs = options.probeAfterMs ?? 250
    this.#tickMs = Math.min(this.#probeAfterMs, 100)
  }

  add(id: string, service: string, expiresAt: number, settle: (why: 'lost' | 'expired') => void): void {
    this.#pending.set(id, { service, sentAt: this.#clock.now(), expiresAt, settle })
    if (this.#timer === undefined) this.#arm()
  }

  delete(id: string): void {
    this.#pending.delete(id)
  }

  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#pending.clear()
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined
      void this.#sweep().finally(() => {
        if (this.#pending.size > 0 && this.#timer === undefined) this.#arm()
      })
    }, this.#tickMs)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  async #sweep(): Promise<void> {
    const now = this.#clock.now()
    for (const [id, call] of this.#pending) {
      if (now < call.expiresAt) continue
      this.#pending.delete(id)
      call.settle('expired')
    }
    const before = now - this.#probeAfterMs
    const slow = [...this.#pending].filter(([, call]) => call.sentAt <= before)
    if (slow.length === 0 || this.#nc.isClosed()) return
    const nodes = new Set(slow.flatMap(([, call]) => this.#nodesOf(call.service)))
    const held = new Set<string>()
    let unsure = false
    const ids = slow.map(([id]) => id)
    await Promise.all(
      [...nodes].map(async (node) => {
        const answer = await this.#ask(node, ids)
        if (answer === 'gone') this.#gone(node)
        else if (answer === 'unsure') unsure = true
        else for (const id of answer) held.add(id)
      }),
    )
    if (unsure) return
    for (const [id, call] of slow) {
      if (held.has(id) || !this.#pending.has(id)) continue
      this.#pending.delete(id)
      call.settle('lost')
    }
  }

  async #ask(node: string, ids: readonly string[]): Promise<readonly string[] | 'gone' | 'unsure'> {
    try {
      const reply = await this.#nc.request(SUBJECTS.held + node, JSON.stringify(ids), { timeout: 1000 })
      const value: unknown = reply.json()
      return Array.isArray(value) ? value.filter((id) => typeof id === 'string') : 'unsure'
    } catch (error) {
      return isNoResponders(error) ? 'gone' : 'unsure'
    }
  }
}
