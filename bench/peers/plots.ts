/**
 * The SVG plots of `bench:peers`: start-up time, resident memory and page time against N (a page
 * of N fragments, each with its own data service: 2N services loaded), one line per peer.
 */

import { logLogPlot, type Series } from './lib/svg.ts'
import type { ScaleFigures } from './run-scale.ts'

const NAMES: Record<string, string> = {
  nanoweb: 'nanoweb',
  moleculer: 'Moleculer 0.15',
  fastify: 'fastify 5',
  bare: 'bare node:http',
  workerd: 'workerd',
}

/**
 * SVG text by file name (`peers-startup.svg`, `peers-memory.svg`, `peers-page.svg`); `note` lines
 * (date, machine) go under each legend.
 *
 * @example
 * for (const [file, svg] of Object.entries(plots(figures, ['2026-11-30']))) await writeFile(file, svg)
 */
export function plots(scale: ScaleFigures, note: readonly string[] = []): Record<string, string> {
  const series = (f: (s: { startMs: number; rssBytes: number; pageMs: number }) => number): Series[] =>
    Object.entries(scale).map(([peer, byCount]) => ({
      name: NAMES[peer] ?? peer,
      points: Object.entries(byCount).flatMap(([count, s]) => ('na' in s ? [] : [[Number(count), f(s)] as const])),
    }))
  const x = 'N fragments on the page (each with its own data service: 2N services)'
  return {
    'peers-startup.svg': logLogPlot(
      'Cold start: spawn → first whole page',
      x,
      'seconds',
      series((s) => s.startMs / 1000),
      note,
    ),
    'peers-memory.svg': logLogPlot(
      'Resident memory after the pages',
      x,
      'MB (RSS)',
      series((s) => s.rssBytes / 2 ** 20),
      note,
    ),
    'peers-page.svg': logLogPlot(
      'Page of N fragments, sequential GET /',
      x,
      'ms per page',
      series((s) => s.pageMs),
      note,
    ),
  }
}
