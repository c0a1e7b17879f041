import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root; generated projects live under `.bench-tmp/` inside it so they resolve `nanoweb`. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Writes a fresh generated project folder `.bench-tmp/<name>` with the given files.
 *
 * @example
 * const root = await generateProject('call', { 'services/a.ts': source })
 */
export async function generateProject(name: string, files: Record<string, string>): Promise<string> {
  const root = join(REPO, '.bench-tmp', name)
  await rm(root, { recursive: true, force: true })
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, text)
  }
  return root
}

/**
 * Source of a small generated service with a validated object input and output.
 *
 * @example
 * smallService(7) // a service returning { id, name, n: 7 }
 */
export function smallService(n: number): string {
  return `import { service } from '@nanoweb/core'
import { z } from 'zod'

export default service({
  description: 'Generated service ${n}',
  input: z.object({ id: z.number().int(), name: z.string().min(1) }),
  output: z.object({ id: z.number().int(), name: z.string(), n: z.number() }),
  run: ({ id, name }) => ({ id, name, n: ${n} }),
})
`
}

/**
 * Source of `bench/outer`: calls `bench/echo` (a {@link smallService}) `times` times in a row with
 * `ctx.call`, for the cost of a call between services.
 *
 * @example
 * files['services/bench/outer.ts'] = OUTER_SERVICE
 */
export const OUTER_SERVICE = `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ times: z.number().int() }),
  output: z.number(),
  uses: ['bench/echo'],
  async run({ times }, ctx) {
    let sum = 0
    for (let i = 0; i < times; i++) sum += (await ctx.call('bench/echo', { id: i, name: 'x' })).n
    return sum
  },
})
`

/**
 * The JSON echo service of the HTTP benchmarks (`POST /api/bench/echo`): a small flat body,
 * validated in and out.
 *
 * @example
 * files['services/bench/echo.ts'] = ECHO_SERVICE
 */
export const ECHO_SERVICE = `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  input: z.object({ id: z.number().int(), name: z.string().min(1) }),
  output: z.object({ id: z.number().int(), name: z.string(), n: z.number() }),
  run: ({ id, name }) => ({ id, name, n: 1 }),
})
`
