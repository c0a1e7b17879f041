/**
 * The scale workload of `bench:peers`: for a peer and N fragments (each with its own data service,
 * 2N services), a fresh server process is spawned and timed to its first whole page (cold start),
 * its resident memory read (RSS of the process tree after the pages), and its page time measured
 * (sequential `GET /` over loopback, median, after as many warm-up pages as are timed, within the
 * same time budget). The N = 1,000 figures fill the table's cold-start,
 * memory and page rows; all N fill the plots.
 */
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../cluster/nats-server.ts'
import { REPO } from '../lib/project.ts'
import { median } from '../lib/stats.ts'
import { firstAnswer, launch, stop, treeRss } from './lib/children.ts'
import { wholePage, writeShape } from './shapes.ts'

/**
 * The peers of the scale workload.
 *
 * @example
 * for (const peer of SCALE_PEERS) await measureScale(peer, 10, limits)
 */
export const SCALE_PEERS = ['nanoweb', 'moleculer', 'fastify', 'bare', 'workerd'] as const
/**
 * One of {@link SCALE_PEERS}.
 *
 * @example
 * const peer: ScalePeer = 'workerd'
 */
export type ScalePeer = (typeof SCALE_PEERS)[number]

/**
 * What one spawn of one peer at one N measured.
 *
 * @example
 * const { startMs, rssBytes, pageMs }: ScaleSample = await measureScale('bare', 10, limits)
 */
export interface ScaleSample {
  readonly startMs: number
  readonly rssBytes: number
  readonly pageMs: number
}

/**
 * The workerd binary of bench/node_modules (the `workerd` npm package).
 *
 * @example
 * launch(WORKERD, ['serve', 'config.capnp'])
 */
export const WORKERD = join(REPO, 'bench', 'node_modules', '.bin', 'workerd')

const folders = new Map<string, string>()

/**
 * Spawns `peer` serving N fragments, and measures cold start, RSS and page time.
 *
 * @example
 * const sample = await measureScale('nanoweb', 1000, { pages: 20, budgetMs: 3000 })
 */
export async function measureScale(
  peer: ScalePeer,
  count: number,
  limits: { pages: number; budgetMs: number; startTimeoutMs: number },
): Promise<ScaleSample> {
  const dir = await folder(peer, count)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const started = performance.now()
  const child = spawnPeer(peer, dir, count, port)
  try {
    await firstAnswer(child, url, (body) => wholePage(body, count), limits.startTimeoutMs)
    const startMs = performance.now() - started
    const page = async () => {
      const body = await (await fetch(url)).text()
      if (!wholePage(body, count)) throw new Error(`${peer} served a partial page`)
    }
    const warmUntil = performance.now() + limits.budgetMs
    for (let i = 0; i < limits.pages && performance.now() < warmUntil; i++) await page()
    const times: number[] = []
    const until = performance.now() + limits.budgetMs
    while (times.length < limits.pages && (times.length < 3 || performance.now() < until)) {
      const t0 = performance.now()
      await page()
      times.push(performance.now() - t0)
    }
    return { startMs, rssBytes: treeRss(child.pid as number), pageMs: median(times) }
  } finally {
    await stop(child)
  }
}

async function folder(peer: ScalePeer, count: number): Promise<string> {
  const shape = peer === 'fastify' || peer === 'bare' ? 'plain' : peer
  const key = `${shape}-${count}`
  let dir = folders.get(key)
  if (dir === undefined) {
    dir = await writeShape(shape, count)
    folders.set(key, dir)
  }
  return dir
}

function spawnPeer(peer: ScalePeer, dir: string, count: number, port: number): ChildProcess {
  if (peer === 'workerd') {
    return launch(WORKERD, ['serve', join(dir, 'config.capnp'), '--socket-addr', `http=127.0.0.1:${port}`])
  }
  if (peer === 'nanoweb') {
    return launch(process.execPath, [join(REPO, 'bin/nanoweb.js'), 'start', dir, '--port', String(port)])
  }
  return launch(process.execPath, [
    join(REPO, 'bench/peers/servers/node-page.ts'),
    peer,
    dir,
    String(count),
    String(port),
  ])
}
