import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator'
import { openApiDocument } from '../../src/http/openapi.ts'
import type { CatalogEntry } from '../../src/registry/catalog.ts'

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>
}

function entry(name: string, kind: CatalogEntry['kind'], extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name,
    kind,
    description: undefined,
    file: `services/${name}.ts`,
    visibility: 'public',
    idempotent: kind === 'fragment',
    uses: [],
    endpoint: `/api/${name}`,
    timeoutMs: undefined,
    cache: undefined,
    input: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    output: kind === 'fragment' ? {} : { type: 'object', properties: { tempC: { type: 'number' } } },
    ...extra,
  }
}

const catalog: CatalogEntry[] = [
  entry('weather/current', 'service'),
  entry('fragments/weather-box', 'fragment', { description: 'The weather box' }),
  entry('fragments/secret', 'fragment', { visibility: 'internal', endpoint: null }),
]

test('a fragment endpoint answers a text/html string; a service answers JSON', async () => {
  const doc = openApiDocument(catalog, { title: 'test', version: '1.0.0' }) as unknown as Doc
  const box = doc.paths['/api/fragments/weather-box']
  assert.ok(box?.post && box.get, 'fragments are idempotent: POST and GET')
  for (const op of [box.post, box.get]) {
    assert.deepEqual(op?.responses['200']?.content, { 'text/html': { schema: { type: 'string' } } })
    assert.deepEqual(op?.responses['400'], { $ref: '#/components/responses/Error' }, 'errors stay JSON')
  }
  const weather = doc.paths['/api/weather/current']?.post
  assert.deepEqual(weather?.responses['200']?.content, {
    'application/json': { schema: { type: 'object', properties: { tempC: { type: 'number' } } } },
  })
  assert.equal(doc.paths['/api/fragments/secret'], undefined, 'internal fragments have no endpoint')
})

test('the document with fragments is a valid OpenAPI 3.1 document', async () => {
  const doc = openApiDocument(catalog, { title: 'test', version: '1.0.0' })
  const result = await new OpenApiValidator().validate(doc as never)
  assert.equal(result.valid, true, JSON.stringify(result.errors))
})
