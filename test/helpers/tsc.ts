import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO } from './project.ts'

const run = promisify(execFile)

/** The tsconfig a user's app would have (strict, nodenext, Node types), resolving nanoweb to its sources. */
export const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'es2024',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    customConditions: ['nanoweb-source'],
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules/@types')],
  },
  include: ['**/*.ts'],
})

/**
 * Runs the repository's tsc on a temp project (with {@link TSCONFIG} written as its tsconfig.json);
 * `output` lists the errors in the project's own files. nanoweb's sources are checked too, through
 * the `nanoweb` import, but `npm run typecheck` answers for them, not these tests.
 *
 * @example
 * const { ok, output } = await tsc(root)
 */
export async function tsc(root: string): Promise<{ ok: boolean; output: string }> {
  let output = ''
  try {
    await run(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { cwd: root })
  } catch (error) {
    output = String((error as { stdout?: string }).stdout)
  }
  const own = output
    .split('\n')
    .filter((line) => /^[\w/.-]+\.ts\(\d+,\d+\): error/.test(line) && !line.startsWith('..'))
  const unparsed = output.trim() !== '' && !/\.ts\(\d+,\d+\): error/.test(output)
  return { ok: own.length === 0 && !unparsed, output: unparsed ? output : own.join('\n') }
}
