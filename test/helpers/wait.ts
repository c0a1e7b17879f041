/**
 * Waits until `check()` returns a value other than undefined, looking again after each turn of the
 * event loop (and a few milliseconds), up to `limitMs`; fails naming `what` if it never does.
 * For waiting on an event a test cannot subscribe to, never as a timing assertion.
 *
 * @example
 * const aborted = await until(() => globalThis.seen?.aborted, 'the fragment saw its signal abort')
 */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  limitMs = 10_000,
): Promise<T> {
  const end = Date.now() + limitMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`Timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
