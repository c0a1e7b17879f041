#!/usr/bin/env node
// The nanoweb command. Plain JavaScript so that it can refuse an old Node.js with a clear message
// before anything else is loaded. In the nanoweb repository it runs the TypeScript sources; an
// installed package (under node_modules, no src/) runs the compiled dist/.
import { existsSync } from 'node:fs'
import * as nodeModule from 'node:module'

const [major] = process.versions.node.split('.').map(Number)
if (major < 24) {
  console.error(
    `nanoweb needs Node.js 24 or later (this is ${process.version}): it runs your services' .ts files by type stripping, and untrusted services in isolated-vm 7. Install Node 24 LTS, or add the "node" package (^24) as a dev dependency and run nanoweb through npm scripts.`,
  )
  process.exit(1)
}
// Node keeps the compiled code of the modules it loads (nanoweb's own, the app's services, the
// bundle of `nanoweb build`) on disk and reuses it on the next start: NODE_COMPILE_CACHE=<dir> picks
// the folder (default: node-compile-cache in the OS temp folder), NODE_DISABLE_COMPILE_CACHE=1 turns it off.
nodeModule.enableCompileCache()
const sources = new URL('../src/cli/main.ts', import.meta.url)
const fromSources = existsSync(sources) && !sources.pathname.includes('/node_modules/')
const { buildProgram } = await import(fromSources ? '../src/cli/main.ts' : '../dist/cli/main.js')
await buildProgram().parseAsync(process.argv)
