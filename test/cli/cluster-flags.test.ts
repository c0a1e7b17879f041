import assert from 'node:assert/strict'
import { test } from 'node:test'
import { clusterSettings } from '../../src/cli/cluster-flags.ts'
import { buildProgram } from '../../src/cli/main.ts'
import { servicePlacement } from '../../src/runtime/placement.ts'

function parsedStart(args: string[]): Record<string, unknown> {
  const program = buildProgram()
  const start = program.commands.find((c) => c.name() === 'start')
  assert.ok(start !== undefined)
  start.action(() => {})
  program.parse(['node', 'nanoweb', 'start', '.', ...args])
  return start.opts()
}

test('--nats takes comma-separated URLs and --services globs, or none for a gateway', () => {
  const opts = parsedStart(['--nats', 'nats://a:4222, nats://b:4222', '--services', 'sport/**,fragments/live-*'])
  assert.deepEqual(opts.nats, ['nats://a:4222', 'nats://b:4222'])
  assert.deepEqual(opts.services, ['sport/**', 'fragments/live-*'])
  assert.deepEqual(parsedStart(['--services', 'none']).services, [])
})

test('flags win over the config file; auth and TLS flags join the servers', () => {
  const config = {
    nats: { servers: 'nats://config:4222', token: 'from-config', tls: { caFile: 'ca.pem' } },
    services: ['news/**'],
  }
  assert.deepEqual(clusterSettings({}, config), {
    nats: { servers: 'nats://config:4222', token: 'from-config', tls: { caFile: 'ca.pem' } },
    services: ['news/**'],
  })
  const flagged = clusterSettings(
    { nats: ['nats://flag:4222'], natsToken: 't', natsCreds: 'app.creds', natsTlsCert: 'c.pem', services: [] },
    config,
  )
  assert.deepEqual(flagged, {
    nats: {
      servers: ['nats://flag:4222'],
      token: 't',
      credsFile: 'app.creds',
      tls: { caFile: 'ca.pem', certFile: 'c.pem' },
    },
    services: [],
  })
  assert.deepEqual(clusterSettings({}, {}), {}, 'no cluster without --nats or config')
})

test('service placement: globs on names, none for an empty list, a clear error for a bad pattern', () => {
  const runs = servicePlacement(['sport/**', 'fragments/live-*'])
  assert.ok(runs !== undefined)
  assert.equal(runs('sport/score'), true)
  assert.equal(runs('sport/deep/er'), true)
  assert.equal(runs('fragments/live-match'), true)
  assert.equal(runs('fragments/top-story'), false)
  assert.equal(servicePlacement(undefined), undefined, 'all by default')
  assert.equal(servicePlacement([])?.('sport/score'), false)
  assert.throws(() => servicePlacement(['']), { code: 'NANO_E_BAD_REQUEST', message: /glob patterns on service names/ })
})
