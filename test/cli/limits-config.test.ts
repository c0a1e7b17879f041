import assert from 'node:assert/strict'
import { test } from 'node:test'
import { configProblems } from '../../src/cli/config-schema.ts'
import { serveSettings } from '../../src/cli/serve-settings.ts'
import { defineConfig } from '../../src/index.ts'

const LIMITS = defineConfig({
  rateLimit: { perClient: '100/s', burst: 200 },
  trustProxy: ['10.0.0.5'],
  connections: {
    headersTimeout: '5s',
    requestTimeout: 20_000,
    keepAliveTimeout: '5s',
    maxHeaderSize: 8192,
    maxHeadersCount: 50,
    maxPerAddress: 0,
  },
  breaker: { failures: 3, coolDown: '30s', window: '1m' },
})

test('the limits options are valid config and reach createServer through the serve settings', () => {
  assert.deepEqual(configProblems(LIMITS), [])
  assert.deepEqual(configProblems({ trustProxy: 2, breaker: false }), [])
  const settings = serveSettings({ options: {}, config: LIMITS, dev: false })
  assert.deepEqual(
    [settings.rateLimit, settings.trustProxy, settings.connections, settings.breaker],
    [LIMITS.rateLimit, LIMITS.trustProxy, LIMITS.connections, LIMITS.breaker],
  )
})

test('bad limits are named with what to write instead', () => {
  assert.deepEqual(configProblems({ rateLimit: { perClient: '100 per second' } }), [
    `rateLimit.perClient must be a rate such as '100/s', '600/m' or '1000/h' (got "100 per second")`,
  ])
  assert.deepEqual(configProblems({ rateLimit: { burst: 5 } }), [
    'rateLimit must be an object such as { perClient: \'100/s\', burst: 200 } (got {"burst":5})',
  ])
  assert.deepEqual(configProblems({ connections: { maxPerAdress: 4 } }), [
    "unknown option 'connections.maxPerAdress' (did you mean 'connections.maxPerAddress'?)",
  ])
  assert.match(
    configProblems({ connections: { headersTimeout: 'soon' } })[0] ?? '',
    /^connections\.headersTimeout must be a duration/,
  )
  assert.match(configProblems({ trustProxy: 'yes' })[0] ?? '', /^trustProxy must be true, false, a number of proxies/)
  assert.match(configProblems({ breaker: true })[0] ?? '', /^breaker must be false, or an object/)
})
