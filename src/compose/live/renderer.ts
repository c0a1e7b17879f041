import { toMs } from '../../define/duration.ts'
import { NanoError } from '../../define/errors.ts'
import type { Caller, InvokeOptions } from '../../runtime/ports.ts'
import type { Instance } from './instance.ts'

const OWN_TIMEOUT: InvokeOptions = Object.freeze({ caller: 'live', refresh: true })

/**
 * Renders live instances: on their `every` schedule (timers of the caller's clock) and their
 * `on` topic, one render at a time per instance. A change that comes in during a render is
 * rendered after it, whether it succeeded or not. Each render has a deadline (the fragment's
 * own timeout, else `renderTimeoutMs`); past it the render is given up on, so an instance never
 * stays stuck in a render that hangs.
 *
 * @example
 * const renderer = new LiveRenderer({ caller, renderTimeoutMs: 10_000, rendered: (instance, html) => push(instance, html) })
 * renderer.start(instance)
 * renderer.render(instance)
 */
export class LiveRenderer {
  readonly #caller: Caller
  readonly #renderTimeoutMs: number
  readonly #defaultTimeout: InvokeOptions
  readonly #rendered: (instance: Instance, html: string) => void

  constructor(init: { caller: Caller; renderTimeoutMs: number; rendered: (instance: Instance, html: string) => void }) {
    this.#caller = init.caller
    this.#renderTimeoutMs = init.renderTimeoutMs
    this.#defaultTimeout = Object.freeze({ ...OWN_TIMEOUT, timeout: init.renderTimeoutMs })
    this.#rendered = init.rendered
  }

  /**
   * Starts the instance's schedule and topic subscription; `instance.stop()` ends both (and
   * `instance.stop` is undefined while neither runs).
   */
  start(instance: Instance): void {
    const { every, on } = instance.policy
    const clock = this.#caller.clock
    let timer: unknown
    let running = true
    const periodMs = every === undefined ? 0 : Math.max(100, toMs(every, 'live.every'))
    const tick = (): void => {
      timer = clock.setTimeout(() => {
        if (!running) return
        tick()
        this.render(instance)
      }, periodMs)
    }
    if (every !== undefined) tick()
    const unsubscribe = on === undefined ? undefined : this.#caller.topics.subscribe(on, () => this.render(instance))
    instance.stop = () => {
      running = false
      if (timer !== undefined) clock.clearTimeout(timer)
      unsubscribe?.()
    }
  }

  /** Renders the instance now, or right after the render under way. */
  render(instance: Instance): void {
    if (instance.rendering) {
      instance.dirty = true
      return
    }
    instance.rendering = true
    const attempt = ++instance.attempt
    const ms = instance.timeoutMs ?? this.#renderTimeoutMs
    const expire = () => this.#settled(instance, attempt, timedOut(instance.name, ms), false)
    instance.guard = this.#caller.clock.setTimeout(expire, ms)
    let output: unknown
    try {
      const options = instance.timeoutMs === undefined ? this.#defaultTimeout : OWN_TIMEOUT
      output = this.#caller.invoke(instance.name, instance.input, options)
    } catch (error) {
      output = Promise.reject(error)
    }
    if (output instanceof Promise) {
      output.then(
        (html: unknown) => this.#settled(instance, attempt, html, true),
        (error: unknown) => this.#settled(instance, attempt, error, false),
      )
    } else this.#settled(instance, attempt, output, true)
  }

  /** Ends an instance for good (shutdown): its schedule, and the render under way, whose answer is ignored. */
  end(instance: Instance): void {
    instance.stop?.()
    instance.stop = undefined
    this.#caller.clock.clearTimeout(instance.guard)
    instance.guard = undefined
    instance.attempt += 1
    instance.rendering = false
    instance.dirty = false
  }

  #settled(instance: Instance, attempt: number, value: unknown, ok: boolean): void {
    if (attempt !== instance.attempt || !instance.rendering) return
    instance.rendering = false
    this.#caller.clock.clearTimeout(instance.guard)
    instance.guard = undefined
    instance.failed = !(ok && typeof value === 'string')
    if (!instance.failed) {
      instance.renders += 1
      this.#rendered(instance, value as string)
    } else {
      const error = ok ? new TypeError(`'${instance.name}' did not render HTML`) : value
      this.#caller.log({
        level: 'warn',
        message: `live fragment '${instance.name}' failed to render`,
        time: this.#caller.clock.now(),
        error,
      })
    }
    if (!instance.dirty) return
    instance.dirty = false
    if (instance.stop !== undefined) this.render(instance)
  }
}

function timedOut(name: string, ms: number): NanoError {
  return new NanoError('NANO_E_TIMEOUT', `Live fragment '${name}' did not render within ${ms} ms`, { service: name })
}
