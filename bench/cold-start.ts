/**
 * `npm run bench:cold`: spawn → first whole page, and spawn → `/_nano/ready`, of `nanoweb start`
 * (run from dist/, as users run it) over generated apps of 1,000 fragments + 1,000 data services
 * and 5,000 + 5,000, without and with `nanoweb build`, with Node's compile cache empty (a first
 * start after a deploy) and warm (a restart); beside a bare node:http process (spawn → first
 * answer). Medians of ROUNDS rounds (default 3; 2 for the 10,000 app), with the CPU time the
 * server used until its first page (from /proc, steadier than wall time on a busy machine).
 * dist/ is rebuilt first when it is missing or older than src/. Bounded: rounds are skipped once
 * BUDGET_S (default 270) seconds have passed. MODES=build measures only the starts after a build
 * (MODES=plain only those without).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { walkFiles } from '../src/registry/walk-files.ts'
import { coldApp } from './lib/cold-app.ts'
import { REPO } from './lib/project.ts'
import { median, requireNode24, row } from './lib/stats.ts'

requireNode24()
const ROUNDS = Number(process.env.ROUNDS ?? 3)
const BUDGET_MS = Number(process.env.BUDGET_S ?? 270) * 1000
const SIZES = (process.env.SIZES ?? '1000,5000').split(',').map(Number)
// MODES=build: only the starts after `nanoweb build` (the starts without a build take minutes)
const MODES = (process.env.MODES ?? 'plain,build').split(',')
const NODE = process.execPath
const began = performance.now()
const TICK_MS = 10 // /proc times are in clock ticks of 1/100 s
const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

const DIST_MAIN = join(REPO, 'dist/cli/main.js')
// What bin/nanoweb.js does, with dist/ (bin/ runs src/ in this repository). A file, not `-e`: the
// stall watchdog's worker thread inherits the process's execArgv, and `--input-type` made it fail.
const LAUNCH = join(REPO, '.bench-tmp', 'launch-dist.mjs')
mkdirSync(join(REPO, '.bench-tmp'), { recursive: true })
writeFileSync(
  LAUNCH,
  `import { enableCompileCache } from 'node:module'
enableCompileCache()
const { buildProgram } = await import(${JSON.stringify(pathToFileURL(DIST_MAIN).href)})
await buildProgram().parseAsync(['node', 'nanoweb', ...process.argv.slice(2)])
`,
)

interface Sample {
  readonly pageMs: number
  readonly readyMs: number
  readonly cpuMs: number
}

function distIsStale(): boolean {
  if (!existsSync(DIST_MAIN)) return true
  const built = statSync(DIST_MAIN).mtimeMs
  return walkFiles(join(REPO, 'src')).some((file) => statSync(join(REPO, 'src', file)).mtimeMs > built)
}

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

async function timed(
  args: string[],
  env: Record<string, string>,
  wholePage: (text: string) => boolean,
): Promise<Sample> {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const t0 = performance.now()
  const child = spawn(NODE, args, {
    env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.add(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000)
  })
  let pageMs: number | undefined
  let cpuMs = 0
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`)
      if (performance.now() - t0 > 180_000) throw new Error(`no whole page after 180 s: ${stderr}`)
      const path = pageMs === undefined ? '/' : '/_nano/ready'
      const reply = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined)
      const text = reply === undefined ? '' : await reply.text()
      if (reply?.status === 200 && pageMs === undefined && wholePage(text)) {
        pageMs = performance.now() - t0
        cpuMs = cpuMsOf(child.pid as number)
      } else if (reply?.status === 200 && pageMs !== undefined) {
        return { pageMs, readyMs: performance.now() - t0, cpuMs }
      } else if (reply?.status === 200 && path === '/') throw new Error('the first page was not whole (fallbacks)')
      await sleep(10)
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))
    children.delete(child)
  }
}

const BARE = `require('node:http').createServer((q, s) => s.end('<html></html>')).listen(Number(process.env.PORT), '127.0.0.1')`

function report(label: string, samples: Sample[], baseMs: number): void {
  if (samples.length === 0) {
    console.log(row(label, 'skipped (budget)'))
    return
  }
  const page = median(samples.map((s) => s.pageMs))
  const ready = median(samples.map((s) => s.readyMs))
  const cpu = median(samples.map((s) => s.cpuMs))
  const cells = [
    `${page.toFixed(0)} ms`,
    `${ready.toFixed(0)} ms`,
    `${cpu.toFixed(0)} ms`,
    `×${(page / baseMs).toFixed(1)}`,
  ]
  console.log(row(label, ...cells, `n=${samples.length}`))
}

if (distIsStale()) {
  console.log('dist/ is missing or older than src/: npm run build')
  const built = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' })
  if (built.status !== 0) process.exit(1)
}

const bare: Sample[] = []
for (let r = 0; r < 5; r++) bare.push(await timed(['-e', BARE], {}, () => true))
const baseMs = median(bare.map((s) => s.pageMs))
console.log(row('', 'first page', 'ready', 'cpu to page', 'vs bare', ''))
report('bare node:http (spawn → first answer)', bare, baseMs)

for (const count of SIZES) {
  const root = await coldApp(`cold-${count}`, count)
  const cache = join(REPO, '.bench-tmp', `compile-cache-${count}`)
  const rounds = count > 1000 ? Math.min(ROUNDS, 2) : ROUNDS
  const start = [LAUNCH, 'start', root]
  const whole = (text: string): boolean => text.includes('</html>') && text.includes(`<li>Item ${count - 1}</li>`)
  console.log(`\n${count} fragments + ${count} data services (${2 * count} files)`)
  for (const built of [false, true].filter((b) => MODES.includes(b ? 'build' : 'plain'))) {
    rmSync(join(root, '.nanoweb'), { recursive: true, force: true })
    if (built) {
      const t = performance.now()
      const out = spawnSync(NODE, [LAUNCH, 'build', root], { encoding: 'utf8' })
      if (out.status !== 0) throw new Error(`nanoweb build failed: ${out.stderr}`)
      console.log(`  nanoweb build: ${((performance.now() - t) / 1000).toFixed(1)} s (${out.stdout.trim()})`)
    }
    const cold: Sample[] = []
    const warm: Sample[] = []
    for (let r = 0; r < rounds && performance.now() - began < BUDGET_MS; r++) {
      rmSync(cache, { recursive: true, force: true })
      cold.push(await timed(start, { NODE_COMPILE_CACHE: cache }, whole))
      warm.push(await timed(start, { NODE_COMPILE_CACHE: cache }, whole))
    }
    const what = built ? 'nanoweb build, then start' : 'start (no build)'
    report(`  ${what}, compile cache empty`, cold, baseMs)
    report(`  ${what}, compile cache warm`, warm, baseMs)
  }
}
console.log(
  `\n(${((performance.now() - began) / 1000).toFixed(0)} s in all; medians; cpu = user + system time of the server until its first whole page)`,
)
