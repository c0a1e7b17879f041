import { transform } from 'esbuild'

/** `var init_x = __esm({`: esbuild's wrapper of a bundled module's top-level code. */
const ESM_WRAPPER = /^var init_[\w$]+ = __esm\(\{$/
/** Its one member, the module's top-level code as a method: `  "services/x.ts"() {` (not `async`). */
const ESM_METHOD = /^ {2}("(?:[^"\\]|\\.)*")\(\) \{$/
/** An entry of the bundle's `services` map, as esbuild writes `() => import(file)` of a bundled file. */
const SERVICE_ENTRY =
  /^( {2}"(?:[^"\\]|\\.)*": )(\(\) => Promise\.resolve\(\)\.then\(\(\) => \(init_[\w$]+\(\), [\w$]+\)\))(,?)$/

/**
 * Marks the functions a bundle file runs when one of its services loads (the `services` map's
 * entries, and each bundled module's top-level code) as functions V8 should compile at once,
 * with the file, instead of on their first call: each is wrapped in parentheses, which V8 takes
 * as a hint that it is called soon. A lazily compiled function is parsed twice and compiled on
 * its own, and Node's compile cache, written when the file is compiled, does not hold it: the
 * first page of a 2,000-service app spent ~10 % of its start compiling these one by one. The
 * code of a service that never loads is now compiled with its file too, but still never run.
 * Only the exact shapes esbuild writes are rewritten (lines keep their number, so the source map
 * holds), and the result is parsed again: should it not parse, the code is returned unchanged.
 *
 * @example
 * const js = await withEagerHints(output.text)
 */
export async function withEagerHints(code: string): Promise<string> {
  const lines = code.split('\n')
  let changed = false
  for (let i = 0; i < lines.length - 1; i++) {
    const entry = SERVICE_ENTRY.exec(lines[i] as string)
    if (entry !== null) {
      lines[i] = `${entry[1]}(${entry[2]})${entry[3]}`
      changed = true
      continue
    }
    const method = ESM_WRAPPER.test(lines[i] as string) ? ESM_METHOD.exec(lines[i + 1] as string) : null
    if (method === null) continue
    const end = closingOf(lines, i + 2)
    if (end === undefined) continue
    lines[i + 1] = `  ${method[1]}: (function () {`
    lines[end] = '  })'
    changed = true
    i = end
  }
  if (!changed) return code
  const hinted = lines.join('\n')
  try {
    await transform(hinted, { loader: 'js', format: 'esm', logLevel: 'silent' })
    return hinted
  } catch {
    return code
  }
}

/** The line of `  }` that closes the wrapper's method: the first followed by `});`. */
function closingOf(lines: readonly string[], from: number): number | undefined {
  for (let j = from; j < lines.length - 1; j++) {
    if (lines[j] === '  }' && lines[j + 1] === '});') return j
  }
  return undefined
}
