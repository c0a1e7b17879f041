import ivm from 'isolated-vm'
import { NanoError } from '../define/errors.ts'

/**
 * The code every isolate of an app starts from: the base script, and a V8 snapshot of it when
 * one could be made (an isolate then starts with the base already evaluated).
 *
 * @example
 * const base: IsolateBase = { code, snapshot: ivm.Isolate.createSnapshot([{ code }]) }
 */
export interface IsolateBase {
  readonly code: string
  readonly snapshot: ivm.ExternalCopy<ArrayBuffer> | undefined
}

/**
 * What one service's isolate is made of: its bundle, the app's base, its memory limit.
 *
 * @example
 * const spec: IsolateSpec = { file: 'services/plugins/x.ts', code, base, memoryMb: 64, memoryText: '64MB' }
 */
export interface IsolateSpec {
  readonly file: string
  readonly code: string
  readonly base: IsolateBase
  readonly memoryMb: number
  readonly memoryText: string
}

/**
 * A made isolate with the service's code run in it: the entry points the host calls, what the
 * service described, and whether it runs on this thread (`applySync`, fastest) or on the
 * isolate's own thread (`apply`, for a service that once went over a limit).
 *
 * @example
 * live.run.applySync(undefined, [1, '{}', facts], { timeout: 50 })
 */
export interface LiveIsolate {
  readonly iso: ivm.Isolate
  readonly run: ivm.Reference
  readonly resume: ivm.Reference
  readonly abort: ivm.Reference
  readonly description: string
  readonly offThread: boolean
}

/** The host's callback, as `ServiceIsolate` receives the isolate's requests. */
type OnHost = (kind: string, callId: number, requestId: number, a?: string, b?: string) => void

/** Time a service file's top level may take to run when its isolate is made. */
const LOAD_TIMEOUT_MS = 2000

/**
 * Makes a service's isolate on this thread: base, host callback (called synchronously), the
 * service's code, its description. Throws `NANO_E_BAD_DEFINITION` naming the file.
 *
 * @example
 * const live = createIsolateSync(spec, onHost)
 */
export function createIsolateSync(spec: IsolateSpec, onHost: OnHost): LiveIsolate {
  const iso = new ivm.Isolate({ memoryLimit: spec.memoryMb, snapshot: spec.base.snapshot })
  try {
    const context = iso.createContextSync()
    if (spec.base.snapshot === undefined) iso.compileScriptSync(spec.base.code).runSync(context)
    const install = context.global.getSync('__nanoInstall', { reference: true }) as ivm.Reference
    const entry = install.applySync(undefined, [new ivm.Callback(onHost)], {
      result: { reference: true },
    }) as ivm.Reference<Record<string, unknown>>
    const get = (name: string): ivm.Reference => entry.getSync(name as never, { reference: true }) as ivm.Reference
    iso
      .compileScriptSync(spec.code, { filename: `file:///${spec.file}` })
      .runSync(context, { timeout: LOAD_TIMEOUT_MS })
    const description = get('adopt').applySync(undefined, [], { timeout: LOAD_TIMEOUT_MS }) as string
    return { iso, run: get('run'), resume: get('resume'), abort: get('abort'), description, offThread: false }
  } catch (error) {
    throw failure(iso, spec, error)
  }
}

/**
 * Makes a service's isolate without blocking this thread: the isolate's work runs on its own
 * thread, and its requests reach the host as ignored (fire-and-forget) callbacks.
 *
 * @example
 * const live = await createIsolateAsync(spec, onHost)
 */
export async function createIsolateAsync(spec: IsolateSpec, onHost: OnHost): Promise<LiveIsolate> {
  const iso = new ivm.Isolate({ memoryLimit: spec.memoryMb, snapshot: spec.base.snapshot })
  try {
    const context = await iso.createContext()
    if (spec.base.snapshot === undefined) await (await iso.compileScript(spec.base.code)).run(context)
    const install = (await context.global.get('__nanoInstall', { reference: true })) as ivm.Reference
    const entry = (await install.apply(undefined, [new ivm.Callback(onHost, { ignored: true })], {
      result: { reference: true },
    })) as ivm.Reference<Record<string, unknown>>
    const get = async (name: string): Promise<ivm.Reference> =>
      (await entry.get(name as never, { reference: true })) as ivm.Reference
    const script = await iso.compileScript(spec.code, { filename: `file:///${spec.file}` })
    await script.run(context, { timeout: LOAD_TIMEOUT_MS })
    const description = (await (await get('adopt')).apply(undefined, [], { timeout: LOAD_TIMEOUT_MS })) as string
    const [run, resume, abort] = await Promise.all([get('run'), get('resume'), get('abort')])
    return { iso, run, resume, abort, description, offThread: true }
  } catch (error) {
    throw failure(iso, spec, error)
  }
}

function failure(iso: ivm.Isolate, spec: IsolateSpec, error: unknown): NanoError {
  const reason = iso.isDisposed
    ? `its isolate went over ${spec.memoryText} of memory while loading`
    : error instanceof Error
      ? error.message
      : String(error)
  if (!iso.isDisposed) iso.dispose()
  return new NanoError('NANO_E_BAD_DEFINITION', `${spec.file}: ${reason}`, { cause: error })
}
