/**
 * Child process of bench/front-page.ts: a bare node:http server answering every request with the
 * bytes of one file from memory (the ceiling a page server can reach). Prints `ready <port>`.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const body = readFileSync(process.argv[2] as string)
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.byteLength })
  res.end(body)
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`))
