/**
 * A small SVG line-plot writer for `bench:peers` (no plotting dependency): log-scale x and y,
 * axes with ticks at powers of ten, one line with markers per series, a legend.
 */

/**
 * One line of a plot: its name and (x, y) points (missing points are left out).
 *
 * @example
 * const line: Series = { name: 'nanoweb', points: [[10, 0.7], [100, 1.2]] }
 */
export interface Series {
  readonly name: string
  readonly points: readonly (readonly [number, number])[]
}

const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']
const W = 640
const H = 400
const M = { left: 70, right: 160, top: 40, bottom: 50 }

/**
 * The SVG text of a log-log plot.
 *
 * `note` lines go under the legend (the date and machine, say).
 *
 * @example
 * const svg = logLogPlot('Start-up time', 'services', 'seconds', [{ name: 'nanoweb', points: [[10, 0.5], [100, 0.9]] }])
 */
export function logLogPlot(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
  note: readonly string[] = [],
): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0)
  const xs = decades(all.map(([x]) => x))
  const ys = decades(all.map(([, y]) => y))
  const px = (x: number) => round(M.left + ((Math.log10(x) - xs.lo) / (xs.hi - xs.lo)) * (W - M.left - M.right))
  const py = (y: number) => round(H - M.bottom - ((Math.log10(y) - ys.lo) / (ys.hi - ys.lo)) * (H - M.top - M.bottom))
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ]
  for (let d = xs.lo; d <= xs.hi; d++) {
    const x = px(10 ** d)
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" stroke="#ddd"/>`)
    out.push(`<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${tick(10 ** d)}</text>`)
  }
  for (let d = ys.lo; d <= ys.hi; d++) {
    const y = py(10 ** d)
    out.push(`<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#ddd"/>`)
    out.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${tick(10 ** d)}</text>`)
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  )
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`)
    if (pts.length > 1)
      out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`)
    for (const p of pts) {
      const [cx, cy] = p.split(',')
      out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${colour}"/>`)
    }
    const ly = M.top + 10 + i * 20
    out.push(
      `<line x1="${W - M.right + 14}" y1="${ly}" x2="${W - M.right + 38}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${W - M.right + 44}" y="${ly + 4}">${escapeXml(s.name)}</text>`,
    )
  })
  note.forEach((line, i) => {
    const y = M.top + 30 + series.length * 20 + i * 15
    out.push(`<text x="${W - M.right + 14}" y="${y}" font-size="10" fill="#555">${escapeXml(line)}</text>`)
  })
  out.push('</svg>', '')
  return out.join('\n')
}

function round(v: number): number {
  return Math.round(v * 10) / 10
}

function decades(values: readonly number[]): { lo: number; hi: number } {
  if (values.length === 0) return { lo: 0, hi: 1 }
  const lo = Math.floor(Math.log10(Math.min(...values)))
  const hi = Math.ceil(Math.log10(Math.max(...values)))
  return { lo, hi: hi > lo ? hi : lo + 1 }
}

function tick(v: number): string {
  return v >= 1 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(1)))
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
