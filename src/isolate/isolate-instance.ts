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
 * service described (empty unless asked for), and whether it runs on this thread (`applySync`,
 * fastest) or on the isolate's own thread (`apply`, for a service that once went over a limit).
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

/**
 * The host's callback, as a service's isolate calls it.
 *
 * @example
 * const onHost: OnHost = (kind, callId, requestId, a, b) => {}
 */
export type OnHost = (kind: string, callId: number, requestId: number, a?: string, b?: string) => void

/**
 * An isolate with the base installed and no service yet (a spare, made ahead of need): its host
 * callback goes wherever `route.target` says once a service takes it.
 *
 * @example
 * const spare = prepareIsolate(base, 64)
 */
export interface PreparedIsolate {
  readonly iso: ivm.Isolate
  readonly context: ivm.Context
  readonly entry: ivm.Reference<Record<string, unknown>>
  readonly route: { target: OnHost | undefined }
}

/** Time a service file's top level may take to run when its isolate is made. */
const LOAD_TIMEOUT_MS = 2000

/**
 * Makes an isolate on this thread with the app's base installed.
 *
 * @example
 * const prepared = prepareIsolate(base, 64)
 */
export function prepareIsolate(base: IsolateBase, memoryMb: number): PreparedIsolate {
  const iso = new ivm.Isolate({ memoryLimit: memoryMb, snapshot: base.snapshot })
  try {
    const context = iso.createContextSync()
    if (base.snapshot === undefined) iso.compileScriptSync(base.code).runSync(context)
    const route: PreparedIsolate['route'] = { target: undefined }
    const callback = new ivm.Callback((kind: string, callId: number, requestId: number, a?: string, b?: string) =>
      route.target?.(kind, callId, requestId, a, b),
    )
    const install = context.global.getSync('__nanoInstall', { reference: true }) as ivm.Reference
    const entry = install.applySync(undefined, [callback], { result: { reference: true } })
    return { iso, context, entry: entry as ivm.Reference<Record<string, unknown>>, route }
  } catch (error) {
    if (!iso.isDisposed) iso.dispose()
    throw error
  }
}

/**
 * Runs a service's code in an isolate on this thread (a spare when one is given, else a new one)
 * and describes it when asked. Throws `NANO_E_BAD_DEFINITION` naming the file.
 *
 * @example
 * const live = createIsolateSync(spec, onHost, true)
 */
export function createIsolateSync(
  spec: IsolateSpec,
  onHost: OnHost,
  describe: boolean,
  spare?: PreparedIsolate,
): LiveIsolate {
  let prepared: PreparedIsolate
  try {
    prepared = spare ?? prepareIsolate(spec.base, spec.memoryMb)
  } catch (error) {
    throw new NanoError('NANO_E_BAD_DEFINITION', `${spec.file}: its isolate could not be made: ${message(error)}`)
  }
  const { iso, context, entry, route } = prepared
  route.target = onHost
  try {
    const get = (name: string): ivm.Reference => entry.getSync(name as never, { reference: true }) as ivm.Reference
    const script = iso.compileScriptSync(spec.code, { filename: `file:///${spec.file}` })
    script.runSync(context, { timeout: LOAD_TIMEOUT_MS })
    const description = get('adopt').applySync(undefined, [describe], { timeout: LOAD_TIMEOUT_MS }) as string
    return { iso, run: get('run'), resume: get('resume'), abort: get('abort'), description, offThread: false }
  } catch (error) {
    throw failure(iso, spec, error)
  }
}

/**
 * Makes a service's isolate without blocking this thread: the isolate's work (the base included:
 * a snapshot would be read on this thread) runs on its own thread, and its requests reach the
 * host as ignored (fire-and-forget) callbacks.
 *
 * @example
 * const live = await createIsolateAsync(spec, onHost)
 */
export async function createIsolateAsync(spec: IsolateSpec, onHost: OnHost): Promise<LiveIsolate> {
  const iso = new ivm.Isolate({ memoryLimit: spec.memoryMb })
  try {
    const context = await iso.createContext()
    await (await iso.compileScript(spec.base.code)).run(context)
    const install = (await context.global.get('__nanoInstall', { reference: true })) as ivm.Reference
    const entry = (await install.apply(undefined, [new ivm.Callback(onHost, { ignored: true })], {
      result: { reference: true },
    })) as ivm.Reference<Record<string, unknown>>
    const get = async (name: string): Promise<ivm.Reference> =>
      (await entry.get(name as never, { reference: true })) as ivm.Reference
    const script = await iso.compileScript(spec.code, { filename: `file:///${spec.file}` })
    await script.run(context, { timeout: LOAD_TIMEOUT_MS })
    await (await get('adopt')).apply(undefined, [false], { timeout: LOAD_TIMEOUT_MS })
    const [run, resume, abort] = await Promise.all([get('run'), get('resume'), get('abort')])
    return { iso, run, resume, abort, description: '', offThread: true }
  } catch (error) {
    throw failure(iso, spec, error)
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function failure(iso: ivm.Isolate, spec: IsolateSpec, error: unknown): NanoError {
  const reason = iso.isDisposed ? `its isolate went over ${spec.memoryText} of memory while loading` : message(error)
  if (!iso.isDisposed) iso.dispose()
  return new NanoError('NANO_E_BAD_DEFINITION', `${spec.file}: ${reason}`, { cause: error })
}
