import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { accepts, freePort } from '../../bench/cluster/nats-server.ts'

const BINARY = process.env.NATS_SERVER ?? '/usr/sbin/nats-server'

/**
 * A nats-server started by {@link startNats}.
 *
 * @example
 * const nats: NatsUnderTest = await startNats(t)
 */
export interface NatsUnderTest {
  readonly url: string
  /** A connection, closed after the test (before the server stops). */
  connect(): Promise<NatsConnection>
  /** Runs `cleanup` after the test, before the connections close and the server stops (last registered first). */
  after(cleanup: () => unknown): void
  /** Kills the server (SIGKILL) and waits for it to exit; the port stays this test's. */
  stop(): Promise<void>
  /** Starts the server again on the same port (and JetStream directory) after {@link stop}. */
  start(): Promise<void>
  /** {@link stop}, then {@link start}. */
  restart(): Promise<void>
}

/**
 * Options of {@link startNats}.
 *
 * @example
 * const options: StartNatsOptions = { jetstream: true }
 */
export interface StartNatsOptions {
  /** Runs JetStream (`-js`), storing in a temporary directory removed after the test; default false. */
  readonly jetstream?: boolean
}

/**
 * Starts a nats-server of this test's own on a free port (killed, by its pid, after the test) and
 * returns its URL and a way to open connections that are closed after the test too. Clean up
 * through `after` (not `t.after`): a connection must close before its server stops.
 *
 * @example
 * const nats = await startNats(t)
 * const nc = await nats.connect()
 * const withKv = await startNats(t, { jetstream: true })
 */
export async function startNats(t: TestContext, options: StartNatsOptions = {}): Promise<NatsUnderTest> {
  const port = await freePort()
  const storeDir = options.jetstream === true ? await mkdtemp(join(tmpdir(), 'nanoweb-js-')) : undefined
  const jetstream = storeDir === undefined ? [] : ['-js', '-sd', storeDir]
  const args = ['-p', String(port), '-a', '127.0.0.1', ...jetstream]
  let child: ChildProcess = spawn(BINARY, args, { stdio: 'ignore' })
  let exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const connections: NatsConnection[] = []
  const cleanups: (() => unknown)[] = []
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL')
    await exited
  }
  const listening = async (): Promise<void> => {
    for (let tries = 0; !(await accepts(port)); tries += 1) {
      if (tries > 100 || child.exitCode !== null) throw new Error(`nats-server did not start on port ${port}`)
      await sleep(20)
    }
  }
  const start = async (): Promise<void> => {
    child = spawn(BINARY, args, { stdio: 'ignore' })
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    await listening()
  }
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await Promise.all(connections.map((nc) => (nc.isClosed() ? undefined : nc.close())))
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid)
    await exited
    if (storeDir !== undefined) await rm(storeDir, { recursive: true, force: true })
  })
  await listening()
  const url = `nats://127.0.0.1:${port}`
  return {
    url,
    stop,
    start,
    restart: async () => {
      await stop()
      await start()
    },
    after: (cleanup) => {
      cleanups.push(cleanup)
    },
    connect: async () => {
      const nc = await connect({ servers: url })
      connections.push(nc)
      return nc
    },
  }
}
