// Refuses to run the project on a Node.js older than 24 (the project runs .ts files directly).
const [major] = process.versions.node.split('.').map(Number)
if (major < 24) {
  console.error(
    `nanoweb needs Node.js >= 24 (this is ${process.version}). Run through npm scripts or npx, which use the Node 24 installed in node_modules.`,
  )
  process.exit(1)
}
