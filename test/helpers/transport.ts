import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { type CacheStore, createRuntime, type Runtime, type RuntimeApi } from '../../src/index.ts'
import { svc, tempProject } from './project.ts'

/** `geo/probe`: answers with the context the call arrived with (deadline, trace, caller, locale). */
export const PROBE = svc(`input: z.object({ city: z.string().min(1) }), output: z.object({
    city: z.string(), deadline: z.number().nullable(), traceId: z.string(), caller: z.string().optional(), locale: z.string().optional() }),
  run: ({ city }, ctx) => ({ city, deadline: Number.isFinite(ctx.deadline) ? ctx.deadline : null, traceId: ctx.traceId, caller: ctx.caller, locale: ctx.request.locale }),`)

/** `weather`: a local service (5 s timeout) that passes its input on to `geo/probe` wherever it runs. */
export const WEATHER =
  svc(`input: z.object({ city: z.string() }), output: z.unknown(), uses: ['geo/probe'], timeout: '5s',
  run: (input, ctx) => ctx.call('geo/probe', input),`)

/**
 * A cached service that counts its runs in `globalThis[counter]` and answers `answer`: runtimes
 * sharing a store should share its results only when their code is identical.
 *
 * @example
 * tempProject(t, { 'services/c.ts': countedService('same', 'kvRuns') })
 */
export function countedService(answer: string, counter: string): string {
  return svc(
    `input: z.object({}), output: z.string(), cache: { ttl: '1h' }, run: () => { globalThis.${counter} = (globalThis.${counter} ?? 0) + 1; return '${answer}' },`,
  )
}

/**
 * Calls `weather` on `client` (which runs it; `geo/probe` runs elsewhere) and checks that the
 * deadline, trace id, caller and request facts arrived with the call.
 *
 * @example
 * await assertCallCarriesContext(client)
 */
export async function assertCallCarriesContext(client: RuntimeApi): Promise<void> {
  const before = Date.now()
  const out = (await client.call(
    'weather',
    { city: 'Leeds' },
    { traceId: 'ab'.repeat(16), request: { locale: 'fr' } },
  )) as Record<string, unknown>
  assert.equal(out.city, 'Leeds')
  assert.equal(out.traceId, 'ab'.repeat(16), 'trace context travels')
  assert.equal(out.caller, 'weather', 'the caller travels')
  assert.equal(out.locale, 'fr', 'request facts travel')
  assert.ok(
    typeof out.deadline === 'number' && out.deadline >= before + 4900 && out.deadline <= Date.now() + 5000,
    'the deadline travels',
  )
}

/**
 * Three runtimes over the given stores (the first on `stores[0]`, the others on `stores[1]`): two
 * with identical code, one with other code. Checks that the second gets the first one's cached
 * result and the third does not; returns the runtimes (not closed) for further checks.
 *
 * @example
 * const runtimes = await assertStoreSharedBySameCode(t, [store, store], 'sharedRuns')
 */
export async function assertStoreSharedBySameCode(
  t: TestContext,
  stores: readonly [CacheStore, CacheStore],
  counter: string,
): Promise<[Runtime, Runtime, Runtime]> {
  const make = async (answer: string, cacheStore: CacheStore): Promise<Runtime> =>
    createRuntime({ root: await tempProject(t, { 'services/c.ts': countedService(answer, counter) }), cacheStore })
  const [one, two, other] = [
    await make('same', stores[0]),
    await make('same', stores[1]),
    await make('other', stores[1]),
  ]
  const runs = (): number => ((globalThis as Record<string, unknown>)[counter] as number | undefined) ?? 0
  const before = runs()
  assert.equal(await one.call('c', {}), 'same')
  assert.equal(await two.call('c', {}), 'same')
  assert.equal(runs() - before, 1, 'the second runtime got the first one result from the shared store')
  assert.equal(await other.call('c', {}), 'other', 'different code never gets another version result')
  assert.equal(runs() - before, 2)
  return [one, two, other]
}
