import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { isValidServiceName } from '../../registry/scan.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb new <name>`: writes `services/<name>.ts` and `services/<name>.test.ts` (a node:test
 * test that calls it through `testRuntime` of `@nanoweb/core/testing`). Refuses an invalid name or an existing file.
 *
 * @example
 * await newCommand('weather/current', { root: '.' })
 */
export async function newCommand(name: string, options: { root: string }): Promise<void> {
  if (!isValidServiceName(name)) {
    fail(
      new Error(
        `'${name}' is not a valid service name: use lowercase letters, digits, '-' and '_', with '/' between parts (e.g. weather/current)`,
      ),
      EXIT.USAGE,
    )
    return
  }
  const file = join(options.root, 'services', `${name}.ts`)
  const testFile = join(options.root, 'services', `${name}.test.ts`)
  if (existsSync(file)) {
    fail(new Error(`${file} already exists; pick another name or edit that file`))
    return
  }
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, serviceSource(name))
  await writeFile(testFile, testSource(name))
  process.stdout.write(`created ${relative('.', file)}\ncreated ${relative('.', testFile)}\n`)
  process.stdout.write(
    `try it: nanoweb call ${name} '{"name":"Ada"}'${options.root === '.' ? '' : ` --root ${options.root}`}\n`,
  )
}

function serviceSource(name: string): string {
  return `import { service } from '@nanoweb/core'
import { z } from 'zod'

export default service({
  description: 'Greets someone (scaffolded by nanoweb new: describe ${name} here)',
  input: z.object({ name: z.string().min(1) }),
  output: z.object({ message: z.string() }),
  idempotent: true,
  run({ name }) {
    return { message: \`Hello, \${name}!\` }
  },
})
`
}

function testSource(name: string): string {
  const up = '../'.repeat(name.split('/').length)
  return `import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { testRuntime } from '@nanoweb/core/testing'

const root = fileURLToPath(new URL('${up}', import.meta.url))

test('${name} greets by name', async () => {
  // Services it calls can be replaced by fakes, checked against their real schemas:
  // testRuntime({ root, fakes: { 'geo/lookup': ({ city }) => ({ lat: 53.8, lon: -1.5 }) } })
  await using rt = await testRuntime({ root })
  assert.deepEqual(await rt.call('${name}', { name: 'Ada' }), { message: 'Hello, Ada!' })
  await assert.rejects(rt.call('${name}', { name: '' }), { code: 'NANO_E_INVALID_INPUT' })
})
`
}
