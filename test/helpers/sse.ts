/** One Server-Sent Event as received. */
export interface SseEvent {
  id: string | undefined
  event: string
  data: string
}

/**
 * A Server-Sent Events client for tests: reads the stream with fetch, parses events, and lets a
 * test wait for the next one or check that none came.
 *
 * @example
 * const sse = await openSse(`${url}/_nano/live?f=…`)
 * const event = await sse.next()
 * sse.close()
 */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number
  events: SseEvent[]
  next(ms?: number): Promise<SseEvent>
  close(): void
  closed: Promise<void>
}> {
  const controller = new AbortController()
  const res = await fetch(url, { headers, signal: controller.signal })
  const events: SseEvent[] = []
  let waiting: ((e: SseEvent) => void) | undefined
  let read = 0
  const closed = (async () => {
    if (res.body === null) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        let end = buffer.indexOf('\n\n')
        while (end !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf('\n\n')
          const event = parse(block)
          if (event === undefined) continue
          events.push(event)
          if (waiting !== undefined) {
            const resolve = waiting
            waiting = undefined
            read += 1
            resolve(event)
          }
        }
      }
    } catch {}
  })()
  return {
    status: res.status,
    events,
    next(ms = 3000) {
      if (events.length > read) return Promise.resolve(events[read++] as SseEvent)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms)
        waiting = (e) => {
          clearTimeout(timer)
          resolve(e)
        }
      })
    },
    close: () => controller.abort(),
    closed,
  }
}

function parse(block: string): SseEvent | undefined {
  let id: string | undefined
  let event = 'message'
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = line.slice(4)
    else if (line.startsWith('event: ')) event = line.slice(7)
    else if (line.startsWith('data: ')) data.push(line.slice(6))
  }
  return data.length === 0 ? undefined : { id, event, data: data.join('\n') }
}
