/**
 * Runs one endpoint kind of the gateway fuzz: generates its requests from a fixed seed, sends
 * them with bounded concurrency, checks every answer, and on a failure replays the first failing
 * run through `fc.assert` (same seed, its path) so fast-check shrinks it to a small counterexample.
 */
import fc from 'fast-check'
import { inPool } from './client.ts'

/**
 * One endpoint kind to fuzz.
 *
 * @example
 * const run: KindRun<Aimed, Outcome> = { title: 'pages', arbitrary: pages(), runs: 10_000, seed: 1, concurrency: 16, send, group, check, known }
 */
export interface KindRun<T, O> {
  readonly title: string
  readonly arbitrary: fc.Arbitrary<T>
  readonly runs: number
  readonly seed: number
  readonly concurrency: number
  send(sample: T): Promise<O>
  /** What to count the outcome under in the report ('2xx', '4xx', 'none'…). */
  group(outcome: O): string
  /** Why the answer breaks the contract, or undefined. */
  check(sample: T, outcome: O): string | undefined
  /** The allow-list entry a problem is known under (owned by other work), or undefined. */
  known(sample: T, outcome: O, problem: string): string | undefined
}

/**
 * A problem found: the run index, the request and what was wrong.
 *
 * @example
 * const finding: Finding = { index: 7, sample: '{…}', problem: '500 …' }
 */
export interface Finding {
  readonly index: number
  readonly sample: string
  readonly problem: string
}

/**
 * What one kind's run found, and how long it took.
 *
 * @example
 * console.log(`${report.title}: ${report.findings.length} findings in ${report.ms} ms`)
 */
export interface KindReport {
  readonly title: string
  readonly runs: number
  readonly ms: number
  /** Outcomes by group ('2xx', '4xx', …, 'none'). */
  readonly statuses: Record<string, number>
  /** Problems allowed by an entry of the known list, counted by entry. */
  readonly known: Record<string, number>
  /** The first problem and request of each allowed entry. */
  readonly knownExamples: Record<string, string>
  readonly findings: Finding[]
  /** fast-check's report of the shrunk counterexample of the first finding. */
  readonly shrunk?: string | undefined
}

/**
 * Fuzzes one kind.
 *
 * @example
 * const report = await runKind({ title: 'api POST', arbitrary, runs: 10_000, seed: 1, concurrency: 16, send, group, check, known })
 */
export async function runKind<T, O>(run: KindRun<T, O>): Promise<KindReport> {
  const started = performance.now()
  const samples = fc.sample(run.arbitrary, { seed: run.seed, numRuns: run.runs })
  const statuses: Record<string, number> = {}
  const known: Record<string, number> = {}
  const knownExamples: Record<string, string> = {}
  const findings: Finding[] = []
  await inPool(samples, run.concurrency, async (sample, index) => {
    const outcome = await run.send(sample)
    const group = run.group(outcome)
    statuses[group] = (statuses[group] ?? 0) + 1
    const problem = run.check(sample, outcome)
    if (problem === undefined) return
    const entry = run.known(sample, outcome, problem)
    if (entry !== undefined) {
      known[entry] = (known[entry] ?? 0) + 1
      knownExamples[entry] ??= `${problem.slice(0, 200)} <= ${describe(sample).slice(0, 300)}`
    } else findings.push({ index, sample: describe(sample), problem })
  })
  findings.sort((a, b) => a.index - b.index)
  const shrunk = findings.length === 0 ? undefined : await shrink(run, (findings[0] as Finding).index)
  return {
    title: run.title,
    runs: run.runs,
    ms: Math.round(performance.now() - started),
    statuses,
    known,
    knownExamples,
    findings,
    shrunk,
  }
}

async function shrink<T, O>(run: KindRun<T, O>, index: number): Promise<string> {
  const holds = async (sample: T): Promise<boolean> => {
    const outcome = await run.send(sample)
    const problem = run.check(sample, outcome)
    return problem === undefined || run.known(sample, outcome, problem) !== undefined
  }
  try {
    await fc.assert(fc.asyncProperty(run.arbitrary, holds), {
      seed: run.seed,
      numRuns: run.runs,
      path: String(index),
      interruptAfterTimeLimit: 30_000,
    })
    return `run ${index} passed when replayed alone (the failure depends on what ran alongside it)`
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * A request as text for a report: bodies as their first bytes and their length.
 *
 * @example
 * describe({ base: 'news', request: { method: 'GET', path: '/', headers: {} } })
 */
export function describe(sample: unknown): string {
  return JSON.stringify(sample, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
      const bytes = Buffer.from((value as { data: number[] }).data)
      const text = bytes.subarray(0, 300).toString()
      return bytes.length > 300 ? `${text}… (${bytes.length} bytes)` : text
    }
    if (typeof value === 'string' && value.length > 300) return `${value.slice(0, 300)}… (${value.length} chars)`
    return value
  })
}
