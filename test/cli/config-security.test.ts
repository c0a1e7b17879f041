import assert from 'node:assert/strict'
import { test } from 'node:test'
import { configProblems } from '../../src/cli/config-schema.ts'

test('securityHeaders, csp and cors are config options, checked', () => {
  assert.deepEqual(
    configProblems({
      securityHeaders: { 'referrer-policy': 'no-referrer', 'x-frame-options': false },
      csp: { 'img-src': ["'self'", 'data:'], 'object-src': false },
      cors: {
        origins: ['https://app.example'],
        methods: ['GET', 'POST'],
        credentials: true,
        headers: ['content-type'],
        maxAge: 60,
      },
    }),
    [],
  )
  assert.deepEqual(configProblems({ securityHeaders: false, csp: false, cors: { origins: '*' } }), [])
  assert.match(
    configProblems({ csp: { 'img-src': "'self'" } }).join('\n'),
    /^csp must be false, or an object of CSP directives/,
  )
  assert.match(configProblems({ securityHeaders: true }).join('\n'), /^securityHeaders must be false, or an object/)
  assert.match(configProblems({ cors: { methods: ['GET'] } }).join('\n'), /origins/)
  assert.match(configProblems({ cors: { origins: ['https://a.example'], credential: true } }).join('\n'), /credentials/)
})
