#!/usr/bin/env node
// The nanoweb command. Plain JavaScript so that it can refuse an old Node.js with a clear message
// before any TypeScript is loaded.
const [major] = process.versions.node.split('.').map(Number)
if (major < 24) {
  console.error(
    `nanoweb needs Node.js >= 24 (this is ${process.version}). Install Node 24 LTS, or run it through npm scripts / npx in a project that has the "node" package.`,
  )
  process.exit(1)
}
const { buildProgram } = await import('../src/cli/main.ts')
await buildProgram().parseAsync(process.argv)
