import { z } from 'zod'
import { LiveHub, type LiveOptions, type LiveStream } from '../../src/compose/live/index.ts'
import { NanoError } from '../../src/define/errors.ts'
import { type FragmentDefinition, fragment } from '../../src/define/fragment.ts'
import { fragmentEvent } from '../../src/http/sse.ts'
import type { Caller, InvokeOptions, LogRecord } from '../../src/runtime/ports.ts'
import { LocalTopicBus } from '../../src/runtime/topics.ts'
import { ManualClock } from './clock.ts'

/** One call the fake caller received; `answer` settles it (a render that hangs until told). */
export interface FakeCall {
  readonly name: string
  readonly input: unknown
  readonly options: InvokeOptions | undefined
  resolve(html: unknown): void
  reject(error: unknown): void
}

/** Fragments of the hub tests: `t/score` (on 'scores'), `t/clock` (every 1 s), `t/slow` (own 2 s timeout). */
export const FRAGMENTS: Record<string, FragmentDefinition> = {
  't/score': fragment({ input: z.object({ match: z.string() }), live: { on: 'scores' }, render: () => '' }),
  't/clock': fragment({ input: z.object({}), live: { every: '1s' }, render: () => '' }),
  't/slow': fragment({ input: z.object({}), timeout: '2s', live: { on: 'scores' }, render: () => '' }),
  't/hidden': fragment({ input: z.object({}), visibility: 'internal', live: { on: 'x' }, render: () => '' }),
}

/**
 * A {@link LiveHub} over a fake {@link Caller} with a manual clock: every render is a pending
 * {@link FakeCall} the test settles, unless `answer` answers it at once.
 *
 * @example
 * const { hub, calls, clock } = fakeHub({ answer: (call) => `<b>${call.name}</b>` })
 */
export function fakeHub(options: LiveOptions & { answer?: (call: FakeCall) => unknown } = {}): {
  hub: LiveHub
  calls: FakeCall[]
  clock: ManualClock
  logs: LogRecord[]
  topics: LocalTopicBus
  formatted: number
} {
  const clock = new ManualClock(1_000_000)
  const calls: FakeCall[] = []
  const logs: LogRecord[] = []
  const topics = new LocalTopicBus()
  const caller: Caller = {
    invoke: (name, input, invokeOptions) =>
      new Promise((resolve, reject) => {
        const call: FakeCall = { name, input, options: invokeOptions, resolve, reject }
        calls.push(call)
        if (options.answer !== undefined) resolve(options.answer(call))
      }),
    loaded: (name) => FRAGMENTS[name],
    resolve: async (name) => FRAGMENTS[name] ?? Promise.reject(new NanoError('NANO_E_NOT_FOUND', name)),
    warm: async () => {},
    fileOf: () => undefined,
    scope: () => {
      throw new Error('not used')
    },
    topics,
    log: (record) => logs.push(record),
    clock,
  }
  const result = { hub: undefined as unknown as LiveHub, calls, clock, logs, topics, formatted: 0 }
  result.hub = new LiveHub({
    caller,
    ...options,
    format: (change, eventId) => {
      result.formatted += 1
      return fragmentEvent(change, eventId)
    },
  })
  return result
}

/** A stream that keeps what is written; `buffered` and `dropped` are set by the test. */
export function fakeStream(): LiveStream & { chunks: string[]; dropped: boolean; backlog: number } {
  const stream = {
    chunks: [] as string[],
    dropped: false,
    backlog: 0,
    write: (chunk: string) => void stream.chunks.push(chunk),
    buffered: () => stream.backlog,
    drop: () => {
      stream.dropped = true
    },
  }
  return stream
}

/** The id of an instance of a fake fragment. */
export function idOf(name: string, input: unknown): string {
  return `${name}~${Buffer.from(JSON.stringify(input)).toString('base64url')}`
}
