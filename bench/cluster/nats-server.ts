import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createServer, connect as tcpConnect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'

/** The nats-server binary (override with NATS_SERVER). */
export const NATS_BINARY = process.env.NATS_SERVER ?? '/usr/sbin/nats-server'

/**
 * A free TCP port on 127.0.0.1 (bound, read, released).
 *
 * @example
 * const port = await freePort()
 */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * True once something accepts TCP connections on 127.0.0.1:`port`.
 *
 * @example
 * await accepts(4222)
 */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * A nats-server of the bench's own, started by {@link startNatsServer}.
 *
 * @example
 * const nats: BenchNats = await startNatsServer()
 */
export interface BenchNats {
  readonly url: string
  readonly child: ChildProcess
  /** Kills the server (by its pid) and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts nats-server on a free loopback port and waits until it accepts connections.
 *
 * @example
 * const nats = await startNatsServer()
 * // … nats.url …
 * await nats.stop()
 */
export async function startNatsServer(): Promise<BenchNats> {
  const port = await freePort()
  const child = spawn(NATS_BINARY, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  for (let tries = 0; !(await accepts(port)); tries += 1) {
    if (tries > 150 || child.exitCode !== null) {
      await stop()
      throw new Error(`nats-server did not start on port ${port}`)
    }
    await sleep(20)
  }
  return { url: `nats://127.0.0.1:${port}`, child, stop }
}

/**
 * The version line of the nats-server binary.
 *
 * @example
 * await natsServerVersion() // 'nats-server: v2.10.x'
 */
export async function natsServerVersion(): Promise<string> {
  const { stdout } = await promisify(execFile)(NATS_BINARY, ['--version'])
  return stdout.trim()
}
