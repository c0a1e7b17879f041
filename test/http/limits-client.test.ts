import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Exchange } from '../../src/http/exchange.ts'
import { addressKey, clientAddress } from '../../src/http/limits/client-address.ts'
import { TokenBuckets } from '../../src/http/limits/token-bucket.ts'

const exchange = (remote: string | undefined, forwarded?: string): Exchange => ({
  method: 'GET',
  path: '/',
  search: '',
  remote,
  header: (name) => (name === 'x-forwarded-for' ? forwarded : undefined),
  body: () => new Uint8Array(),
})

test('clientAddress: the peer unless trusted proxies say otherwise, read from the right', () => {
  const ex = exchange('10.0.0.5', '1.1.1.1, 203.0.113.9, 10.0.0.4')
  assert.equal(clientAddress(ex, false), '10.0.0.5')
  assert.equal(clientAddress(ex, true), '1.1.1.1', 'true: the leftmost address')
  assert.equal(clientAddress(ex, 1), '10.0.0.4', 'one proxy: the address it saw')
  assert.equal(clientAddress(ex, 2), '203.0.113.9')
  assert.equal(clientAddress(ex, 9), '1.1.1.1', 'more hops than addresses: the leftmost')
  assert.equal(clientAddress(ex, ['10.0.0.5', '10.0.0.4']), '203.0.113.9', 'the first untrusted from the right')
  assert.equal(clientAddress(exchange('198.51.100.1', '1.1.1.1'), ['10.0.0.5']), '198.51.100.1', 'an untrusted peer')
  assert.equal(clientAddress(exchange('::ffff:10.0.0.5', 'junk, 203.0.113.9'), 1), '203.0.113.9')
  assert.equal(clientAddress(exchange('::ffff:127.0.0.1'), 1), '127.0.0.1', 'no header: the peer, as IPv4')
  assert.equal(clientAddress(exchange(undefined, 'not-an-ip'), true), 'unknown')
})

test('addressKey: IPv4 as is, IPv6 by its /64 network', () => {
  assert.equal(addressKey('203.0.113.9'), '203.0.113.9')
  assert.equal(addressKey('2001:db8:1:2:aa::1'), '2001:db8:1:2::/64')
  assert.equal(addressKey('2001:db8:1:2:ffff:1:2:3'), '2001:db8:1:2::/64')
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64')
  assert.equal(addressKey('::1'), '0:0:0:0::/64')
})

test('TokenBuckets: burst, refill at the rate, the wait until the next token', () => {
  const buckets = new TokenBuckets({ perClient: '10/s', burst: 3 })
  for (let i = 0; i < 3; i++) assert.equal(buckets.take('a', 1000), 0)
  assert.equal(buckets.take('a', 1000), 100, 'one token every 100 ms')
  assert.equal(buckets.take('b', 1000), 0, 'another key has its own bucket')
  assert.equal(buckets.take('a', 1100), 0, 'refilled after 100 ms')
  assert.equal(buckets.take('a', 1100), 100)
  assert.equal(buckets.take('a', 99_000), 0, 'a long pause refills to the burst, no more')
  assert.equal(buckets.take('a', 99_000), 0)
  assert.equal(buckets.take('a', 99_000), 0)
  assert.ok(buckets.take('a', 99_000) > 0)
  assert.equal(new TokenBuckets({ perClient: '600/m' }).burst, 10, 'default burst: one second of the rate')
  assert.throws(() => new TokenBuckets({ perClient: 'lots' }), /rateLimit.perClient/)
})

test('TokenBuckets: a flood of distinct clients keeps at most maxClients buckets', () => {
  const buckets = new TokenBuckets({ perClient: '1/s', burst: 1 }, 1000)
  for (let i = 0; i < 200_000; i++) buckets.take(`a:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 0)
  assert.equal(buckets.size, 1000)
  assert.equal(buckets.take('a:10.3.13.63', 0), 1000, 'the latest client is still limited')
  assert.equal(buckets.take('a:10.0.0.0', 0), 0, 'the least recent was dropped, and starts afresh')
})
