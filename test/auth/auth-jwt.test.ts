import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { createServer, type NanoServer } from '../../src/index.ts'
import { post } from '../helpers/http.ts'
import { svc, tempProject } from '../helpers/project.ts'

const ISSUER = 'https://id.test/'
const AUDIENCE = 'news'
const SECRET = 'a-shared-secret-of-at-least-32-characters!'

const FILES = {
  'services/me.ts': svc(`access: 'user', input: z.object({}),
    output: z.object({ id: z.string(), userId: z.string(), roles: z.array(z.string()) }),
    run: (_, ctx) => ({ id: ctx.request.user.id, userId: ctx.request.userId, roles: [...ctx.request.user.roles] }),`),
  'services/open.ts': svc(
    `input: z.object({}), output: z.string(), run: (_, ctx) => ctx.request.userId ?? 'anonymous',`,
  ),
}

const rsa = await generateKeyPair('RS256', { extractable: true })
const other = await generateKeyPair('RS256', { extractable: true })
const jwks = { keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }

function claims(extra: JWTPayload = {}): JWTPayload {
  return { sub: 'ann', roles: ['editor'], ...extra }
}

async function rs256(payload: JWTPayload, key = rsa.privateKey, expires: string | number = '5m'): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuedAt()
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(expires)
    .sign(key)
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

const future = () => Math.floor(Date.now() / 1000) + 300

async function start(t: import('node:test').TestContext, jwt: Record<string, unknown>): Promise<NanoServer> {
  const root = await tempProject(t, { ...FILES, 'jwks.json': JSON.stringify(jwks) })
  const server = await createServer({ root, port: 0, logger: false, auth: { jwt } as never })
  t.after(() => server.close())
  return server
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

async function refused(server: NanoServer, token: string, description: RegExp): Promise<void> {
  const answer = await post(`${server.url}/api/open`, {}, bearer(token))
  assert.equal(answer.status, 401, answer.text)
  assert.equal((answer.body as { error: { code: string } }).error.code, 'NANO_E_UNAUTHENTICATED')
  const challenge = answer.headers.get('www-authenticate') ?? ''
  assert.match(challenge, /^Bearer realm="nanoweb", error="invalid_token", error_description="/)
  assert.match(challenge, description)
}

test('a valid RS256 token from a JWKS file signs the user in: ctx.request.user and userId', async (t) => {
  const server = await start(t, { jwks: 'jwks.json', issuer: ISSUER, audience: AUDIENCE })
  const answer = await post(`${server.url}/api/me`, {}, bearer(await rs256(claims())))
  assert.equal(answer.status, 200, answer.text)
  assert.deepEqual(answer.body, { id: 'ann', userId: 'ann', roles: ['editor'] })
  const open = await post(`${server.url}/api/open`, {}, bearer(await rs256(claims({ sub: 'bob' }))))
  assert.equal(open.body, 'bob')
})

test('no token: anonymous for a public service, 401 with a sign-in challenge for a user service', async (t) => {
  const server = await start(t, { jwks: 'jwks.json', issuer: ISSUER, audience: AUDIENCE })
  const open = await post(`${server.url}/api/open`, {})
  assert.equal(open.status, 200)
  assert.equal(open.body, 'anonymous')
  const me = await post(`${server.url}/api/me`, {})
  assert.equal(me.status, 401)
  assert.equal((me.body as { error: { code: string } }).error.code, 'NANO_E_UNAUTHENTICATED')
  assert.equal(me.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
})

test('expired, wrong issuer, wrong audience, wrong signature, no sub: 401 invalid_token saying why', async (t) => {
  const server = await start(t, { jwks: 'jwks.json', issuer: ISSUER, audience: AUDIENCE })
  const now = Math.floor(Date.now() / 1000)
  await refused(server, await rs256(claims(), rsa.privateKey, now - 60), /expired/)
  const wrongIssuer = await new SignJWT(claims())
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer('https://evil.test/')
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(rsa.privateKey)
  await refused(server, wrongIssuer, /'iss' claim is not accepted/)
  const wrongAudience = await new SignJWT(claims())
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience('billing')
    .setExpirationTime('5m')
    .sign(rsa.privateKey)
  await refused(server, wrongAudience, /'aud' claim is not accepted/)
  await refused(server, await rs256(claims(), other.privateKey), /signature does not verify/)
  const noSub = await rs256({ roles: [] })
  await refused(server, noSub, /no 'sub' claim/)
  const noExp = await new SignJWT(claims())
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .sign(rsa.privateKey)
  await refused(server, noExp, /no 'exp' claim/)
})

test('alg: none, HS256 signed with the public key (algorithm confusion) and garbage are refused', async (t) => {
  const server = await start(t, { jwks: 'jwks.json', issuer: ISSUER, audience: AUDIENCE })
  const payload = b64({ ...claims(), iss: ISSUER, aud: AUDIENCE, exp: future() })
  await refused(server, `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, /not accepted|malformed/)
  await refused(server, `${b64({ alg: 'none' })}.${payload}`, /malformed/)
  const pem = await exportSPKI(rsa.publicKey)
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })
  const mac = createHmac('sha256', pem).update(`${head}.${payload}`).digest('base64url')
  await refused(server, `${head}.${payload}.${mac}`, /algorithm is not accepted/)
  await refused(server, 'not-a-token', /malformed/)
  const me = await post(`${server.url}/api/me`, {}, { authorization: 'Basic YW5uOnB3' })
  assert.equal(me.status, 401, 'another scheme is no credentials: the user service asks to sign in')
  assert.equal(me.headers.get('www-authenticate'), 'Bearer realm="nanoweb"')
})

test('a JWKS URL on a real server: its keys verify tokens; a token of an unknown key is refused', async (t) => {
  let fetched = 0
  const keys = createHttpServer((_req, res) => {
    fetched += 1
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks))
  })
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => keys.close(resolve)))
  const url = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/jwks.json`
  const server = await start(t, { jwks: url, issuer: ISSUER, audience: AUDIENCE })
  const answer = await post(`${server.url}/api/me`, {}, bearer(await rs256(claims())))
  assert.equal(answer.status, 200, answer.text)
  assert.equal((answer.body as { id: string }).id, 'ann')
  assert.ok(fetched >= 1)
  const stranger = await new SignJWT(claims())
    .setProtectedHeader({ alg: 'RS256', kid: 'k2' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(other.privateKey)
  await refused(server, stranger, /no known key/)
})

test('HS256 with a shared secret: roles from a space-separated claim; another secret or RS256 is refused', async (t) => {
  const server = await start(t, { secret: SECRET, issuer: ISSUER, rolesClaim: 'scope' })
  const sign = (secret: string, payload: JWTPayload) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret))
  const ok = await post(`${server.url}/api/me`, {}, bearer(await sign(SECRET, { sub: 'ann', scope: 'read  editor' })))
  assert.equal(ok.status, 200, ok.text)
  assert.deepEqual((ok.body as { roles: string[] }).roles, ['read', 'editor'])
  await refused(server, await sign(`${SECRET}-not`, { sub: 'ann' }), /signature does not verify/)
  await refused(server, await rs256(claims()), /algorithm is not accepted/)
})

test('bad jwt options fail at start with a message that says what to fix', async (t) => {
  const root = await tempProject(t, FILES)
  const make = (jwt: Record<string, unknown>) => () => createServer({ root, logger: false, auth: { jwt } as never })
  assert.throws(make({}), /exactly one of `secret`/)
  assert.throws(make({ secret: 'short' }), /at least 32 characters/)
  assert.throws(make({ jwks: 'missing.json' }), /not a readable JWKS file/)
  assert.throws(make({ jwks: 'http://id.example.com/jwks.json' }), /https:\/\//)
  assert.throws(make({ secret: SECRET, algorithms: ['none'] }), /HMAC algorithms/)
  assert.throws(make({ jwks: 'https://id.example.com/jwks.json', algorithms: ['HS256'] }), /asymmetric/)
})
