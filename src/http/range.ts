/**
 * What a `Range` header asks of a body of a known size: one byte span (both ends inclusive),
 * `unsatisfiable` (answer 416), or undefined to send the whole body (no header, a unit other
 * than bytes, several ranges, or a header that does not parse: all allowed by RFC 9110).
 *
 * @example
 * byteRange('bytes=0-99', 1000) // { start: 0, end: 99 }
 * byteRange('bytes=-100', 1000) // { start: 900, end: 999 }
 * byteRange('bytes=2000-', 1000) // 'unsatisfiable'
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (match === null) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}
