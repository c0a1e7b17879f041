import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { REPO } from '../helpers/project.ts'
import { until } from '../helpers/wait.ts'

const run = promisify(execFile)
/**
 * A user's PATH on Node 24 (what `engines` asks for; isolated-vm's install finds its prebuilt
 * binary only there): this machine's own Node may be older, so the repository's Node 24 goes first.
 */
const NODE_24_FIRST = `${dirname(process.execPath)}:${process.env.PATH}`

/** The environment of a user's shell: no source condition (the tarball has no src/). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra }
  delete env.NODE_OPTIONS
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key]
  return env
}

async function npm(args: string[], cwd: string, timeout = 240_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run('npm', args, { cwd, env: userEnv({ PATH: NODE_24_FIRST }), timeout, maxBuffer: 16 << 20 })
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
  }
}

function startApp(cwd: string): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn('npm', ['start'], { cwd, env: userEnv({ PORT: '0', PATH: NODE_24_FIRST }), detached: true })
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d) => {
    output += d.toString()
  })
  const url = until(() => /http:\/\/[^\s]+/.exec(output)?.[0].replace('localhost', '127.0.0.1'), 'the app URL', 60_000)
  return { child, url, output: () => output }
}

test('npm pack → install the tarball → nanoweb init → the app starts, tests and type-checks', {
  timeout: 600_000,
}, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'nanoweb-pack-'))
  t.after(() => rm(work, { recursive: true, force: true }))
  const packed = await npm(['pack', '--pack-destination', work, '--silent'], REPO)
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1) as string)
  assert.match(tarball, /nanoweb-core-\d+\.\d+\.\d+\.tgz$/)

  const tool = join(work, 'tool')
  await run('mkdir', ['-p', tool])
  await npm(['init', '-y'], tool)
  await npm(['install', tarball], tool)
  const init = await run(join(tool, 'node_modules/.bin/nanoweb'), ['init', join(work, 'app')], {
    cwd: tool,
    env: userEnv({ PATH: `${join(REPO, 'node_modules/.bin')}:${process.env.PATH}` }),
  })
  assert.match(init.stdout, /npm install/)
  assert.match(init.stdout, /npm start/)

  const app = join(work, 'app')
  const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  assert.ok(pkg.dependencies['@nanoweb/core'] !== undefined, 'the app depends on @nanoweb/core')
  await npm(['install', tarball], app)

  const { child, url, output } = startApp(app)
  t.after(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
  })
  const base = await url.catch((error: Error) => assert.fail(`${error.message}\n${output()}`))
  const page = await fetch(`${base}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /Hello,? world/i)
  const api = await fetch(`${base}/api/hello`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada' }),
  })
  assert.equal(api.status, 200)
  assert.match(JSON.stringify(await api.json()), /Ada/)

  await npm(['test'], app)
  await npm(['run', 'check'], app)
})
