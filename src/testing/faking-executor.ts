import type { StandardSchemaV1 } from '@standard-schema/spec'
import { NanoError } from '../define/errors.ts'
import { escapeHtml, isHtml } from '../define/html.ts'
import { toIssues } from '../define/schema.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { CallOptions, Context, MaybePromise, ServiceRegistry } from '../define/types.ts'
import type { Executor, ServiceSource } from '../runtime/ports.ts'
import { isAsyncFunction } from '../runtime/running.ts'
import type { CallLog } from './call-log.ts'

/**
 * A stand-in for a service in tests: gets the input the real service's schema accepted and a
 * `ctx`, returns (or resolves to) an output the real service's output schema must accept. A fake
 * of a fragment returns `html\`…\`` or a string, as a fragment's `render` does.
 *
 * @example
 * const lookup: Fake = ({ city }) => ({ lat: city.length, lon: 0 })
 */
// biome-ignore lint/suspicious/noExplicitAny: a fake receives whatever its real service's schema produced
export type Fake = (input: any, ctx: Context) => unknown

/**
 * The fake of service `N` of the project's `ServiceRegistry` (`nanoweb-env.d.ts`): typed by its
 * real schemas, it gets what the input schema produces and returns what the output schema accepts.
 *
 * @example
 * const lookup: FakeOf<'geo/lookup'> = ({ city }) => ({ lat: city.length, lon: 0 })
 */
export type FakeOf<N extends keyof ServiceRegistry> = (
  input: ServiceRegistry[N] extends { readonly input: infer S extends StandardSchemaV1 }
    ? StandardSchemaV1.InferOutput<S>
    : unknown,
  ctx: Context,
) => MaybePromise<
  ServiceRegistry[N] extends { readonly output: infer S extends StandardSchemaV1 }
    ? StandardSchemaV1.InferInput<S>
    : unknown
>

/**
 * Fakes by service name: typed by their real schemas for the services `nanoweb-env.d.ts` lists,
 * any {@link Fake} for other names (which must still name a service file).
 *
 * @example
 * const fakes: Fakes = { 'geo/lookup': ({ city }) => ({ lat: 1, lon: 2 }) }
 */
export type Fakes = { readonly [N in keyof ServiceRegistry]?: FakeOf<N> } & {
  readonly [name: string]: Fake | undefined
}

/**
 * An {@link Executor} for tests: loads every service with `real`, keeps its definition (schemas,
 * cache, uses, timeout, access…), replaces the `run` of each service named in `fakes` by its
 * fake, and hands every `run` a `ctx` whose `call` is recorded in `log`.
 *
 * @example
 * const executor = fakingExecutor(importExecutor, { 'geo/lookup': () => ({ lat: 1, lon: 2 }) }, new CallLog())
 */
export function fakingExecutor(real: Executor, fakes: Fakes, log: CallLog): Executor {
  return {
    async load(source: ServiceSource): Promise<ServiceDefinition> {
      const definition = await real.load(source)
      const fake = Object.hasOwn(fakes, source.name) ? (fakes[source.name] as Fake | undefined) : undefined
      const run = fake === undefined ? definition.run : fakeRun(source.name, definition, fake)
      return Object.freeze({ ...definition, run: recordingRun(run, log) })
    },
    close: real.close?.bind(real),
  }
}

/** The fake as a `run`: a fragment's fake may return `html`; the output is checked against the real schema, naming the fake. */
function fakeRun(name: string, definition: ServiceDefinition, fake: Fake): ServiceDefinition['run'] {
  const fragment = definition.kind === 'fragment'
  return async (input, ctx) => {
    const raw = await fake(input, ctx as Context)
    const output = fragment ? markup(raw) : raw
    let result = definition.output['~standard'].validate(output)
    if (result instanceof Promise) result = await result
    if (result.issues !== undefined) {
      const issues = toIssues(result.issues)
      const first = issues[0]
      const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `
      throw new NanoError(
        'NANO_E_INVALID_OUTPUT',
        `Invalid output from the fake of '${name}' (testRuntime fakes): ${where}${first?.message ?? 'rejected'}; a fake must return what the real service's output schema accepts`,
        { issues, service: name },
      )
    }
    return output
  }
}

function markup(value: unknown): unknown {
  if (isHtml(value)) return value.value
  return typeof value === 'string' ? escapeHtml(value) : value
}

/** `run` with a `ctx` whose calls are recorded; an `async` run stays `async` (the runtime tells them apart). */
function recordingRun(run: ServiceDefinition['run'], log: CallLog): ServiceDefinition['run'] {
  if (isAsyncFunction(run)) {
    return async (input, ctx) => run(input, recordingContext(ctx as Context, log))
  }
  return (input, ctx) => run(input, recordingContext(ctx as Context, log))
}

function recordingContext(ctx: Context, log: CallLog): Context {
  return {
    call: ((name: string, input: unknown, options?: CallOptions) =>
      log.track(name, ctx.service, input, () => ctx.call(name, input, options))) as Context['call'],
    get signal() {
      return ctx.signal
    },
    get deadline() {
      return ctx.deadline
    },
    get traceId() {
      return ctx.traceId
    },
    get log() {
      return ctx.log
    },
    get caller() {
      return ctx.caller
    },
    service: ctx.service,
    get request() {
      return ctx.request
    },
    publish: (topic, data) => ctx.publish(topic, data),
  }
}
