import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serviceNameOf } from '../registry/scan.ts'
import { RUNNING } from '../runtime/running.ts'

/**
 * Names the service a failure came from, best evidence first: the service whose `run` is
 * executing synchronously now (the runtime's slot), the service whose async work this is (its
 * async context: an `async run`, and every timer, promise and callback it made), else the first
 * frame of the error's stack in a service file under one of `roots` (a timer set by a plain
 * `run`). Undefined when nothing points at a service.
 *
 * @example
 * const blame = new ServiceBlame(['/app'])
 * process.on('uncaughtException', (error) => log(`from ${blame.of(error) ?? 'no service'}`))
 */
export class ServiceBlame {
  readonly #servicesDirs: readonly string[]

  constructor(roots: readonly string[]) {
    const dirs = new Set<string>()
    for (const root of roots) {
      dirs.add(`${root}/services/`)
      dirs.add(`${realOrSame(root)}/services/`)
    }
    this.#servicesDirs = [...dirs]
  }

  /** The service `error` (a thrown value or a rejection reason) is blamed on, if any. */
  of(error?: unknown): string | undefined {
    return RUNNING.nameOf(RUNNING.slot[0] ?? 0) ?? RUNNING.context.getStore() ?? this.inStack(stackOf(error))
  }

  /** The service whose file appears first in `stack` (lines of `at … (file:///…:line:col)`), if any. */
  inStack(stack: string | undefined): string | undefined {
    if (stack === undefined) return undefined
    for (const match of stack.matchAll(FRAME_FILE)) {
      const path = filePath(match[1] as string)
      for (const dir of this.#servicesDirs) {
        if (!path.startsWith(dir)) continue
        const name = serviceNameOf(path.slice(dir.length))
        if (name !== undefined) return name
      }
    }
    return undefined
  }

  /** The service whose code is calling this now, from the current stack (deep: 50 frames). */
  here(): string | undefined {
    const found = RUNNING.nameOf(RUNNING.slot[0] ?? 0) ?? RUNNING.context.getStore()
    if (found !== undefined) return found
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 50
    const probe: { stack?: string } = {}
    Error.captureStackTrace(probe)
    Error.stackTraceLimit = limit
    return this.inStack(probe.stack)
  }
}

const FRAME_FILE = /(?:\(|at )((?:file:\/\/)?\/[^\s()]+?)(?::\d+){1,2}\)?$/gm

function filePath(location: string): string {
  const path = location.startsWith('file://') ? safeFileUrl(location) : location
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

function safeFileUrl(url: string): string {
  try {
    return fileURLToPath(url.replace(/\?.*$/, ''))
  } catch {
    return url
  }
}

function stackOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  try {
    const stack = (error as { stack?: unknown }).stack
    return typeof stack === 'string' ? stack : undefined
  } catch {
    return undefined
  }
}

function realOrSame(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}
