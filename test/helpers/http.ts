/**
 * Small helpers for tests that talk HTTP to a real server on 127.0.0.1.
 */

/** Response of {@link post} / {@link get}: status, headers and parsed JSON body (or text). */
export interface Answer {
  status: number
  headers: Headers
  body: unknown
  text: string
}

/**
 * POSTs `body` (a value is sent as JSON; a string as is) and reads the answer.
 *
 * @example
 * const a = await post(`${url}/api/echo`, { city: 'Leeds' })
 */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return answer(
    await fetch(url, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...headers } }),
  )
}

/**
 * Sends a request with any method and reads the answer.
 *
 * @example
 * const a = await request(`${url}/api/echo?x=1`, { method: 'GET' })
 */
export async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  return answer(await fetch(url, init))
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, headers: res.headers, body, text }
}
