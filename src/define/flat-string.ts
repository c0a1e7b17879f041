/**
 * `text` as a string of its own. A string cut from a longer one (a service name from a file
 * path, a `src` attribute from a page's source) is, for V8, a slice of it: comparing it with an
 * equal string (a `Map` key, on every call) then goes character by character through the slice.
 * Names that are looked up on every call are copied once with this.
 *
 * @example
 * const name = flatString(path.slice(9, -3)) // 'weather/current'
 */
export function flatString(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
}
