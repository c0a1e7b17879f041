import { DURATION_BUCKETS, type Histogram } from './histogram.ts'

/**
 * Writes the Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` per
 * family, then its samples; label values escaped; the constant labels (`node`, `worker`) added to
 * every sample.
 *
 * @example
 * const out = new PromText(',worker="1"')
 * out.family('nanoweb_live_connections', 'gauge', 'Open live streams.')
 * out.sample('nanoweb_live_connections', '', 2)
 * out.text()
 */
export class PromText {
  readonly #lines: string[] = []
  readonly #constant: string

  /** `constant`: the constant labels already rendered, each as `,name="value"`. */
  constructor(constant: string) {
    this.#constant = constant
  }

  /** Starts a family: its help text and type. */
  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
  }

  /** One sample; `labels` already rendered (`service="a",code="ok"`) or ''. */
  sample(name: string, labels: string, value: number): void {
    const all = labels === '' ? this.#constant.slice(1) : labels + this.#constant
    this.#lines.push(`${name}${all === '' ? '' : `{${all}}`} ${formatNumber(value)}`)
  }

  /** The cumulative buckets, `_sum` and `_count` of one histogram series. */
  histogram(name: string, labels: string, h: Histogram): void {
    const prefix = labels === '' ? '' : `${labels},`
    let cumulative = 0
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      cumulative += h.counts[i] as number
      this.sample(`${name}_bucket`, `${prefix}le="${DURATION_BUCKETS[i]}"`, cumulative)
    }
    this.sample(`${name}_bucket`, `${prefix}le="+Inf"`, h.count)
    this.sample(`${name}_sum`, labels, h.sum)
    this.sample(`${name}_count`, labels, h.count)
  }

  /** The whole text, ending with a newline. */
  text(): string {
    return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`
  }
}

/**
 * `name="value"` with the value escaped as the text format wants (backslash, quote, newline).
 *
 * @example
 * label('service', 'geo/lookup') // 'service="geo/lookup"'
 */
export function label(name: string, value: string): string {
  return `${name}="${escapeValue(value)}"`
}

/**
 * The constant labels as `,name="value"` each, leaving out those whose value is not known.
 *
 * @example
 * constantLabels({ node: undefined, worker: '2' }) // ',worker="2"'
 */
export function constantLabels(labels: Readonly<Record<string, string | undefined>>): string {
  let out = ''
  for (const [name, value] of Object.entries(labels)) {
    if (value !== undefined && value !== '') out += `,${label(name, value)}`
  }
  return out
}

function escapeValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}
