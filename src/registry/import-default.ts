import { execFile } from 'node:child_process'
import { relative, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { NanoError } from '../define/errors.ts'

/**
 * A project file to import: its absolute path, the app root (messages name files relative to it)
 * and the reload count (0 imports the file as is, N > 0 a fresh copy by appending `?v=N`).
 *
 * @example
 * const source: ImportSource = { file: '/app/services/weather/current.ts', root: '/app', reload: 0 }
 */
export interface ImportSource {
  readonly file: string
  readonly root: string
  readonly reload: number
}

/**
 * Imports a project file (a service or a page) and returns its default export, after checking it
 * with `is`. Any failure is `NANO_E_BAD_DEFINITION` naming the file relative to the app root, with
 * the line and column when the error has them (`services/f/broken.ts:3:7: …`), and saying what the
 * file must export. No message holds an absolute path.
 *
 * @example
 * const def = await importDefault(
 *   { file: '/app/services/weather/current.ts', root: '/app', reload: 0 },
 *   isServiceDefinition,
 *   'export default service({ input, output, run })',
 * )
 */
export async function importDefault<T>(
  source: ImportSource,
  is: (value: unknown) => value is T,
  expected: string,
): Promise<T> {
  const url = pathToFileURL(source.file).href + (source.reload === 0 ? '' : `?v=${source.reload}`)
  let mod: { default?: unknown }
  try {
    mod = (await import(url)) as { default?: unknown }
  } catch (error) {
    throw new NanoError('NANO_E_BAD_DEFINITION', await importFailure(source, error), { cause: error })
  }
  if (!is(mod.default)) {
    const what = mod.default === undefined ? 'has no default export' : 'exports something else by default'
    const text = `${appPath(source.root, source.file)}: ${what}. It must end with: ${expected}`
    throw new NanoError('NANO_E_BAD_DEFINITION', text)
  }
  return mod.default
}

interface Location {
  readonly file: string
  readonly line: number
  readonly column: number | undefined
}

async function importFailure(source: ImportSource, error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error)
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  let at = codeFrameLocation(stack) ?? stackFrameLocation(stack, source.root)
  if (at === undefined && error instanceof SyntaxError) at = await compileLocationOnce(source)
  const path = appPath(source.root, source.file)
  let text: string
  if (at === undefined) text = `${path}: could not be imported: ${message}`
  else if (at.file === source.file) text = `${path}:${position(at)}: could not be imported: ${message}`
  else text = `${path}: could not be imported: ${appPath(source.root, at.file)}:${position(at)}: ${message}`
  return hidePaths(text, source.root)
}

const FRAME_HEADER = /^(file:\/\/[^\s?]+)(?:\?\S*)?:(\d+)\n/
const CARET = /^\s*\^+\s*$/m

function codeFrameLocation(text: string): Location | undefined {
  const header = FRAME_HEADER.exec(text)
  if (header === null) return undefined
  const caret = CARET.exec(text)
  return {
    file: fileURLToPath(header[1] as string),
    line: Number(header[2]),
    column: caret === null ? undefined : caret[0].indexOf('^') + 1,
  }
}

const STACK_FRAME = /(file:\/\/[^\s?)]+)(?:\?[^\s:)]*)?:(\d+):(\d+)/g
const NODE_FRAME = /\n\s+at (?:.* \()?node:/

function stackFrameLocation(stack: string, root: string): Location | undefined {
  const ownFrames = stack.split(NODE_FRAME)[0] ?? ''
  for (const [, url, line, column] of ownFrames.matchAll(STACK_FRAME)) {
    const file = fileURLToPath(url as string)
    if (!relative(root, file).startsWith('..') && !file.includes(`${sep}node_modules${sep}`)) {
      return { file, line: Number(line), column: Number(column) }
    }
  }
  return undefined
}

const COMPILE_ONLY = `
import { readFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { SourceTextModule } from 'node:vm'
const [file, url] = process.argv.slice(1)
const code = readFileSync(file, 'utf8')
new SourceTextModule(/\\.[mc]?ts$/.test(file) ? stripTypeScriptTypes(code) : code, { identifier: url })
`

const compiled = new Map<string, { reload: number; at: Promise<Location | undefined> }>()

function compileLocationOnce(source: ImportSource): Promise<Location | undefined> {
  const known = compiled.get(source.file)
  if (known !== undefined && known.reload === source.reload) return known.at
  const at = compileLocation(source.file)
  compiled.set(source.file, { reload: source.reload, at })
  return at
}

/**
 * V8 reports some syntax errors (all of them in `.js` files, early errors such as a duplicate
 * declaration in `.ts` files) without a location; an uncaught compile error in a child process
 * prints it. The child compiles the file (types stripped in place) and runs none of it.
 */
async function compileLocation(file: string): Promise<Location | undefined> {
  const args = ['--no-warnings', '--experimental-vm-modules', '--input-type=module', '-e', COMPILE_ONLY]
  try {
    await promisify(execFile)(process.execPath, [...args, file, pathToFileURL(file).href], { timeout: 5000 })
    return undefined
  } catch (error) {
    return codeFrameLocation(String((error as { stderr?: unknown }).stderr ?? ''))
  }
}

function position(at: Location): string {
  return at.column === undefined ? `${at.line}` : `${at.line}:${at.column}`
}

function appPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
}

const ABSOLUTE = /(?<=^|[\s'"`(=])(file:\/\/)?(\/[^\s'"`()<>,;:?]+)(\?v=\d+)?/g

function hidePaths(text: string, root: string): string {
  const top = root.split(sep)[1]
  const posix = text.replace(ABSOLUTE, (match, scheme: string | undefined, path: string) => {
    if (scheme !== undefined) return appPath(root, fileURLToPath(scheme + path))
    return path.split('/')[1] === top ? appPath(root, path) : match
  })
  return posix.split(root + sep).join('')
}
