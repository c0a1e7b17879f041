import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/**
 * A throwaway project folder with the given files, inside the repository (so that its service
 * files resolve `nanoweb` and `zod` like a user's project would), removed after the test.
 *
 * @example
 * const root = await tempProject(t, { 'services/a.ts': source })
 */
export async function tempProject(t: TestContext, files: Record<string, string>): Promise<string> {
  await mkdir(join(REPO, '.tmp'), { recursive: true })
  const root = await mkdtemp(join(REPO, '.tmp', 'project-'))
  await writeFiles(root, files)
  t.after(() => rm(root, { recursive: true, force: true, maxRetries: 5 }))
  return root
}

/**
 * Writes files (paths relative to `root`), creating folders as needed.
 *
 * @example
 * await writeFiles(root, { 'services/b.ts': source })
 */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, text)
  }
}

/**
 * Source of a service file: imports, then `export default service({ ...body })`.
 *
 * @example
 * svc(`input: z.object({}), output: z.string(), run: () => 'hi'`)
 */
export function svc(body: string, prelude = ''): string {
  return `import { service } from '@nanoweb/core'\nimport { z } from 'zod'\n${prelude}\nexport default service({\n${body}\n})\n`
}

/** A log sink that keeps records for assertions. */
export function collectLogs(): { records: Record<string, unknown>[]; sink: (r: Record<string, unknown>) => void } {
  const records: Record<string, unknown>[] = []
  return { records, sink: (r) => records.push(r) }
}
