/**
 * Child process of bench/live.ts: opens `count` SSE connections to `url` (raw sockets, in
 * batches) and prints `connected`. Each `arm` line on stdin (answered `armed`) makes it wait for
 * the next `fragment` event on every connection, then print `received <first> <last>` (ms since
 * the epoch).
 */
import { connect, type Socket } from 'node:net'
import { createInterface } from 'node:readline'

const [port, path, countText] = process.argv.slice(2)
const count = Number(countText)
const now = () => performance.timeOrigin + performance.now()
const sockets: Socket[] = []
let open = 0
let armed = false
let round = 0
let received = 0
let first = Number.POSITIVE_INFINITY
let last = 0

function openOne(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    let ready = false
    let seenRound = 0
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      if (!ready && text.includes('retry:')) {
        ready = true
        open += 1
        resolve()
      }
      if (armed && seenRound < round && text.includes('event: fragment')) {
        seenRound = round
        const at = now()
        received += 1
        if (at < first) first = at
        if (at > last) last = at
        if (received === count) {
          armed = false
          process.stdout.write(`received ${first} ${last}\n`)
        }
      }
    })
    socket.on('error', reject)
    socket.write(`GET ${path} HTTP/1.1\r\nhost: bench\r\n\r\n`)
    sockets.push(socket)
  })
}

for (let i = 0; i < count; i += 250) {
  await Promise.all(Array.from({ length: Math.min(250, count - i) }, openOne))
}
process.stdout.write(`connected ${open}\n`)
const input = createInterface({ input: process.stdin })
input.on('line', (line) => {
  if (line !== 'arm') return
  round += 1
  received = 0
  first = Number.POSITIVE_INFINITY
  last = 0
  armed = true
  process.stdout.write('armed\n')
})
input.on('close', () => {
  for (const s of sockets) s.destroy()
  process.exit(0)
})
