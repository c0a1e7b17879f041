/**
 * The samples of a Prometheus text exposition, keyed `name{labels as written}` (labels sorted),
 * for tests: `samples.get('nanoweb_calls_total{code="ok",service="geo"}')`.
 *
 * @example
 * const samples = parseSamples(rt.metrics())
 */
export function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not a sample line: ${line}`)
    const [, name, labels = '', value] = match
    samples.set(`${name}{${sortLabels(labels)}}`, Number(value))
  }
  return samples
}

/**
 * The value of one sample, its labels given as an object (any order); undefined when absent.
 * Constant labels (node, worker) must be named too when present.
 *
 * @example
 * sample(samples, 'nanoweb_calls_total', { service: 'geo', code: 'ok' }) // 3
 */
export function sample(
  samples: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const written = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')
  return samples.get(`${name}{${sortLabels(written)}}`)
}

function sortLabels(labels: string): string {
  if (labels === '') return ''
  const parts = labels.match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []
  return parts.sort().join(',')
}
