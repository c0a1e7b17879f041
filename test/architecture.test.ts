import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { test } from 'node:test'
import { REPO } from './helpers/project.ts'

const SRC = join(REPO, 'src')
const LAYERS = ['define', 'registry', 'runtime', 'compose', 'http', 'assembly', 'testing', 'cli'] as const
const ADAPTERS = ['isolate', 'cluster', 'observe', 'guard'] as const
/** Where adapters are chosen and plugged in: the assembly (createRuntime/createServer with every option) and the CLI. */
const PLUGS_ADAPTERS = ['assembly', 'cli']

/** What each folder may import from: the layers before it (adapters plug into the runtime's ports). */
function allowed(folder: string): Set<string> {
  const layer = LAYERS.indexOf(folder as (typeof LAYERS)[number])
  if (layer >= 0) {
    const below = LAYERS.slice(0, layer + 1)
    return new Set(PLUGS_ADAPTERS.includes(folder) ? [...below, ...ADAPTERS] : below)
  }
  if ((ADAPTERS as readonly string[]).includes(folder)) return new Set(['define', 'registry', 'runtime', folder])
  return new Set([...LAYERS, ...ADAPTERS])
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f))
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g

test('each layer imports only from the layers before it; adapters only from define, registry and runtime, and only assembly and cli plug them in', () => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
  for (const folder of folders) {
    assert.ok(
      (LAYERS as readonly string[]).includes(folder) || (ADAPTERS as readonly string[]).includes(folder),
      `src/${folder} is neither a layer nor an adapter: add it to docs/architecture.md and this test`,
    )
  }
  const wrong: string[] = []
  let checked = 0
  for (const file of sources(SRC)) {
    const folder = relative(SRC, file).split(sep)[0] as string
    if (!folders.includes(folder)) continue
    const may = allowed(folder)
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2]) as string
      const target = relative(SRC, resolve(dirname(file), spec)).split(sep)[0] as string
      checked += 1
      if (!may.has(target)) wrong.push(`${relative(REPO, file)} imports ${spec} (${folder} → ${target})`)
    }
  }
  assert.ok(checked > 100, `the import scan found ${checked} relative imports: the pattern is broken`)
  assert.deepEqual(wrong, [])
})

test('compose and http reach the runtime through its ports, never the Runtime class', () => {
  const importers: string[] = []
  for (const folder of ['compose', 'http']) {
    for (const file of sources(join(SRC, folder))) {
      const found = /import \{([^}]*)\} from '[./]+runtime\/runtime\.ts'/.exec(readFileSync(file, 'utf8'))
      if (found !== null) importers.push(`${relative(SRC, file)}: ${(found[1] as string).replace(/\s+/g, ' ').trim()}`)
    }
  }
  assert.deepEqual(
    importers,
    ['http/server.ts: createRuntime, type RuntimeOptions'],
    'only createServer makes a runtime',
  )
})
