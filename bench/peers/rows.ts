/**
 * Turns the figures of every `bench:peers` workload into the rows of its table, with the reason
 * wherever a peer has no such concept.
 */
import type { CallFigures } from './call.ts'
import type { JsonFigures } from './json.ts'
import type { Cell, TableRow } from './lib/table.ts'
import type { NatsFigures } from './nats.ts'
import { type ScaleFigures, TABLE_N } from './run-scale.ts'

/**
 * Everything one run measured (a workload left out by ONLY is absent).
 *
 * @example
 * const results: Results = { calls: await measureCalls(3, 100_000) }
 */
export interface Results {
  calls?: CallFigures
  scale?: ScaleFigures
  json?: JsonFigures
  nats?: NatsFigures
}

/**
 * The table's columns, in order.
 *
 * @example
 * console.log(markdownTable(rows, PEERS))
 */
export const PEERS = ['nanoweb', 'Moleculer 0.15', 'fastify 5', 'bare node:http', 'raw @nats-io', 'workerd'] as const

const SCALE_COLUMN: Record<string, string> = {
  nanoweb: 'nanoweb',
  moleculer: 'Moleculer 0.15',
  fastify: 'fastify 5',
  bare: 'bare node:http',
  workerd: 'workerd',
}

const NA = {
  noServices:
    'no services to call: a fastify or node:http handler calls plain functions, which is the floor column (plain async call)',
  transportOnly: 'raw @nats-io is a transport, not a runtime: it is measured in the NATS rows only',
  noNats:
    'no NATS transport: fastify and node:http have no remote call; workerd has no NATS client (its cross-service call is the service binding, in the call rows)',
}

const v = (value: number | undefined): Cell | undefined => (value === undefined ? undefined : { value })

/**
 * The rows and columns of the table for these results.
 *
 * @example
 * const { rows, peers } = tableRows(results)
 */
export function tableRows(results: Results): { rows: TableRow[]; peers: readonly string[] } {
  const rows: TableRow[] = []
  const c = results.calls
  if (c !== undefined) {
    const us = (ns: number | undefined) => v(ns === undefined ? undefined : ns / 1000)
    const floor = `plain async call ${((c.plain ?? 0) / 1000).toFixed(3)} µs (node), ${((c['workerd-plain'] ?? 0) / 1000).toFixed(3)} µs (in workerd)`
    const common = {
      'fastify 5': { na: NA.noServices },
      'bare node:http': { na: NA.noServices },
      'raw @nats-io': { na: NA.transportOnly },
    }
    rows.push({
      label: 'call between two services, in-process: `ctx.call` / `broker.call` / service binding `env.SVC.fetch`',
      unit: 'µs',
      better: 'lower',
      cells: { nanoweb: us(c.ctx), 'Moleculer 0.15': us(c.moleculer), workerd: us(c['workerd-fetch']), ...common },
      floor,
    })
    rows.push({
      label: 'lightest call: `rt.call` / `broker.call` / JS RPC `env.RPC.echo()`',
      unit: 'µs',
      better: 'lower',
      cells: { nanoweb: us(c.rt), 'Moleculer 0.15': us(c.moleculer), workerd: us(c['workerd-rpc']), ...common },
      floor,
    })
  }
  if (results.scale !== undefined) rows.push(...scaleRows(results.scale))
  const j = results.json
  if (j !== undefined) {
    const cells = (pick: (f: { rps: number; p99Ms: number }) => number): Record<string, Cell | undefined> => ({
      nanoweb: v(j.nanoweb && pick(j.nanoweb)),
      'Moleculer 0.15': v(j['moleculer-web'] && pick(j['moleculer-web'])),
      'fastify 5': v(j.fastify && pick(j.fastify)),
      'bare node:http': v(j.bare && pick(j.bare)),
      'raw @nats-io': { na: NA.transportOnly },
      workerd: v(j.workerd && pick(j.workerd)),
    })
    rows.push({
      label: 'JSON endpoint `POST /api/bench/echo` (Moleculer: moleculer-web)',
      unit: 'req/s',
      better: 'higher',
      cells: cells((f) => f.rps),
    })
    rows.push({ label: 'JSON endpoint, p99 latency', unit: 'ms', better: 'lower', cells: cells((f) => f.p99Ms) })
  }
  const n = results.nats
  if (n !== undefined) {
    const none = { 'fastify 5': { na: NA.noNats }, 'bare node:http': { na: NA.noNats }, workerd: { na: NA.noNats } }
    const cells = (pick: (f: { p50Ns: number; perSecond: number }) => number): Record<string, Cell | undefined> => ({
      nanoweb: v(n.nanoweb && pick(n.nanoweb)),
      'Moleculer 0.15': v(n.moleculer && pick(n.moleculer)),
      'raw @nats-io': v(n.raw && pick(n.raw)),
      ...none,
    })
    rows.push({
      label: 'remote call over NATS, p50 of sequential calls',
      unit: 'µs',
      better: 'lower',
      cells: cells((f) => f.p50Ns / 1000),
    })
    rows.push({
      label: 'remote calls over NATS, 64 in flight',
      unit: 'calls/s',
      better: 'higher',
      cells: cells((f) => f.perSecond),
    })
  }
  return { rows, peers: PEERS }
}

function scaleRows(scale: ScaleFigures): TableRow[] {
  const at = (peer: string, count: number) => scale[peer]?.[count]
  const pick = (count: number, f: (s: { startMs: number; rssBytes: number; pageMs: number }) => number) => {
    const cells: Record<string, Cell | undefined> = { 'raw @nats-io': { na: NA.transportOnly } }
    for (const [peer, column] of Object.entries(SCALE_COLUMN)) {
      const s = at(peer, count)
      cells[column] = s === undefined ? undefined : 'na' in s ? { na: `${column}: ${s.na}` } : { value: f(s) }
    }
    return cells
  }
  const n = TABLE_N.toLocaleString('en-US')
  const counts = Object.keys(scale.nanoweb ?? {})
    .map(Number)
    .filter((x) => x < TABLE_N)
  const small = counts.length > 0 ? Math.min(...counts) : undefined
  const rows: TableRow[] = [
    {
      label: `page of ${n} fragments, each calling its own data service (sequential \`GET /\` over loopback)`,
      unit: 'ms',
      better: 'lower',
      cells: pick(TABLE_N, (s) => s.pageMs),
    },
    {
      label: `cold start, ${n} fragments + ${n} data services: spawn → first whole page`,
      unit: 's',
      better: 'lower',
      cells: pick(TABLE_N, (s) => s.startMs / 1000),
    },
    {
      label: `resident memory (RSS) with ${(2 * TABLE_N).toLocaleString('en-US')} services loaded, after the pages`,
      unit: 'MB',
      better: 'lower',
      cells: pick(TABLE_N, (s) => s.rssBytes / 2 ** 20),
    },
  ]
  if (small !== undefined) {
    const cells = pick(TABLE_N, (s) => s.rssBytes)
    const base = pick(small, (s) => s.rssBytes)
    for (const [column, cell] of Object.entries(cells)) {
      const b = base[column]
      if (cell !== undefined && 'value' in cell && b !== undefined && 'value' in b) {
        cells[column] = { value: (cell.value - b.value) / (2 * (TABLE_N - small)) / 1024 }
      }
    }
    rows.push({
      label: `RSS per loaded service: (RSS at ${n} − at ${small} fragments) / ${(2 * (TABLE_N - small)).toLocaleString('en-US')} services`,
      unit: 'KB',
      better: 'lower',
      cells,
    })
  }
  return rows
}
