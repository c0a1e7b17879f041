import { readFileSync } from 'node:fs'
import { relative, sep } from 'node:path'
import picomatch from 'picomatch'
import { NanoError } from '../define/errors.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { Executor, ServiceSource } from '../runtime/ports.ts'
import type { IsolateExecutorOptions } from './isolate-executor.ts'

const DECLARES_UNTRUSTED = /(?:\btrust|(['"])trust\1)\s*:\s*(['"`])untrusted\2/

/**
 * Options of {@link trustRouter}: which services are untrusted by name, the executor of the
 * others, and the isolate executor's options.
 *
 * @example
 * const options: TrustRouterOptions = { untrusted: ['plugins/**'], trusted: importExecutor, isolate: { idle: '60s' } }
 */
export interface TrustRouterOptions extends IsolateExecutorOptions {
  /** Glob patterns on service names whose services run in isolates, whatever their files say. */
  readonly untrusted?: readonly string[]
  /** Loads every other service (in this process). */
  readonly trusted: Executor
}

/**
 * True when a service's source declares `trust: 'untrusted'`, written literally (a static check of
 * the text, made before the file is ever imported).
 *
 * @example
 * declaresUntrusted("service({ trust: 'untrusted', input, output, run })") // true
 */
export function declaresUntrusted(text: string): boolean {
  return DECLARES_UNTRUSTED.test(text)
}

/**
 * An {@link Executor} that decides trust before any code runs: a service whose name matches
 * `untrusted`, or whose file declares `trust: 'untrusted'` literally, is loaded by the isolate
 * executor (made on first use); the others by `trusted`. A service loaded in this process whose
 * definition turns out to say `trust: 'untrusted'` anyway (not written literally) is refused with
 * `NANO_E_BAD_DEFINITION`. A file `trusted` vouches for (`vouch`: a build found it trusted and
 * it has not changed since) is not read again to look. `close()` disposes the isolates.
 *
 * @example
 * const executor = trustRouter({ untrusted: ['plugins/**'], trusted: importExecutor, limits: { cpu: '20ms' } })
 */
export function trustRouter(options: TrustRouterOptions): Executor & { close(): Promise<void> } {
  const byName =
    options.untrusted === undefined || options.untrusted.length === 0 ? () => false : picomatch([...options.untrusted])
  let isolates: Promise<Executor & { close(): Promise<void> }> | undefined
  let closed = false
  const isolateExecutor = (): Promise<Executor & { close(): Promise<void> }> => {
    isolates ??= import('./isolate-executor.ts').then(
      ({ IsolateExecutor }) => new IsolateExecutor(options),
      (error: unknown) => {
        isolates = undefined
        throw new NanoError(
          'NANO_E_BAD_DEFINITION',
          `Untrusted services run in V8 isolates, which need the optional dependency isolated-vm 7 on Node.js 24 (npm install isolated-vm@7); it could not be loaded: ${(error as Error).message}`,
          { cause: error },
        )
      },
    )
    return isolates
  }
  return {
    vouch: (source) => (byName(source.name) ? undefined : options.trusted.vouch?.(source)),
    async load(source: ServiceSource): Promise<ServiceDefinition> {
      if (byName(source.name) || (source.vouched !== true && sourceDeclaresUntrusted(source))) {
        if (closed) throw new NanoError('NANO_E_CLOSED', 'The runtime is closed')
        return (await isolateExecutor()).load(source)
      }
      const definition = await options.trusted.load(source)
      if (definition.policy.trust === 'untrusted') {
        const file = relative(source.root, source.file).split(sep).join('/')
        throw new NanoError(
          'NANO_E_BAD_DEFINITION',
          `${file}: declares trust 'untrusted' in a way nanoweb cannot see before running it, so it was refused. Write \`trust: 'untrusted'\` literally in its service({ … }) or fragment({ … }) spec, or list it in \`untrusted\``,
        )
      }
      return definition
    },
    async close(): Promise<void> {
      closed = true
      if (isolates !== undefined) await (await isolates).close()
    },
  }
}

/** The check of {@link declaresUntrusted} on the bytes the loader read (or the file, when it read none). */
function sourceDeclaresUntrusted(source: ServiceSource): boolean {
  let bytes: Buffer
  try {
    bytes =
      source.bytes === undefined
        ? readFileSync(source.file)
        : Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength)
  } catch {
    return false
  }
  return bytes.includes('untrusted') && declaresUntrusted(bytes.toString('utf8'))
}
