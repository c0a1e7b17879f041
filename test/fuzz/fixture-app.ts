/**
 * The fuzz's own small app: services with varied input schemas (bounded strings, numbers,
 * enums, nested objects and arrays, optional fields, an opaque JSON field), an internal service
 * and a public one that calls it, a fragment, an HTML page and a TypeScript page with params,
 * a site stylesheet and `public/` files. None of its services can fail on an input their schema
 * accepts, so any 5xx the fuzz sees is the gateway's. `SECRET_MARKER` sits in files that must
 * never be served (outside `public/`, and a dotfile inside it).
 */

/**
 * Text that no response may ever contain: it is only in files that must not be served.
 *
 * @example
 * assert.ok(!body.includes(SECRET_MARKER))
 */
export const SECRET_MARKER = 'FUZZ-SECRET-3f1c9d'

const imports = `import { fragment, html, page, service } from '@nanoweb/core'\nimport { z } from 'zod'\n`

const profile = `${imports}
const Profile = z.object({
  name: z.string().min(1).max(40),
  age: z.number().int().min(0).max(150),
  role: z.enum(['admin', 'user', 'guest']),
  tags: z.array(z.string().max(20)).max(10).optional(),
  address: z
    .object({
      city: z.string().min(1).max(60),
      zip: z.string().regex(/^[0-9]{5}$/).optional(),
      geo: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
    })
    .optional(),
})
export default service({
  description: 'Echoes a profile (POST only)',
  input: Profile,
  output: Profile,
  run: (input) => input,
})
`

const lookup = `${imports}
export default service({
  description: 'A cached, idempotent lookup with query-friendly inputs and an opaque filter blob',
  idempotent: true,
  cache: { ttl: '5s' },
  input: z.object({
    q: z.string().min(1).max(100),
    limit: z.number().int().min(1).max(50).optional(),
    exact: z.boolean().optional(),
    score: z.number().optional(),
    kind: z.enum(['any', 'word', 'phrase']).optional(),
    tags: z.array(z.string().max(30)).max(20).optional(),
    filters: z.record(z.string(), z.unknown()).optional(),
  }),
  output: z.object({ q: z.string(), limit: z.number(), tags: z.number(), filters: z.number() }),
  run: ({ q, limit = 10, tags = [], filters = {} }) => ({ q, limit, tags: tags.length, filters: Object.keys(filters).length }),
})
`

const matrix = `${imports}
export default service({
  description: 'Counts the cells of nested arrays; meta is a record of scalars',
  input: z.object({
    rows: z.array(z.array(z.number()).max(20)).max(20),
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    label: z.string().max(30).nullable().optional(),
  }),
  output: z.object({ rows: z.number().int(), cells: z.number().int() }),
  run: ({ rows }) => ({ rows: rows.length, cells: rows.reduce((n, row) => n + row.length, 0) }),
})
`

const empty = `${imports}
export default service({
  description: 'Takes nothing, answers a constant',
  idempotent: true,
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  run: () => ({ ok: true }),
})
`

const secret = `${imports}
export default service({
  description: 'Internal: never reachable from outside',
  visibility: 'internal',
  input: z.object({ word: z.string().max(50) }),
  output: z.object({ length: z.number().int() }),
  run: ({ word }) => ({ length: word.length }),
})
`

const relay = `${imports}
export default service({
  description: 'Calls the internal service',
  uses: ['fuzz/secret'],
  input: z.object({ word: z.string().max(50) }),
  output: z.object({ length: z.number().int() }),
  run: ({ word }, ctx) => ctx.call('fuzz/secret', { word }),
})
`

const card = `${imports}
export default fragment({
  description: 'A card with an escaped title',
  input: z.object({
    title: z.string().min(1).max(80),
    count: z.number().int().min(0).max(99).optional(),
    tone: z.enum(['plain', 'loud']).optional(),
  }),
  css: 'card.css',
  render: ({ title, count = 0, tone = 'plain' }) => html\`<div class="card card--\${tone}"><h2>\${title}</h2><p>\${count}</p></div>\`,
})
`

const notesPage = `${imports}
export default page({
  uses: ['fuzz/lookup'],
  async data({ params, call }) {
    const found = await call('fuzz/lookup', { q: params.slug ?? '' })
    return { q: found.q }
  },
  template: '<!doctype html><title>{data.q}</title><nano-fragment src="fuzz/card" title="{params.slug}" primary>No card</nano-fragment>',
})
`

/**
 * The fixture app's files, by path under its root.
 *
 * @example
 * await writeFiles(root, FIXTURE_FILES)
 */
export const FIXTURE_FILES: Record<string, string> = {
  'secret.txt': `${SECRET_MARKER}\n`,
  'services/fuzz/profile.ts': profile,
  'services/fuzz/lookup.ts': lookup,
  'services/fuzz/matrix.ts': matrix,
  'services/fuzz/empty.ts': empty,
  'services/fuzz/secret.ts': secret,
  'services/fuzz/relay.ts': relay,
  'services/fuzz/card.ts': card,
  'services/fuzz/card.css': `.card { border: 1px solid #ccc; padding: 4px }\n${'.card h2 { margin: 0 }\n'.repeat(80)}`,
  'pages/index.html':
    '<!doctype html><html><head><title>Fuzz</title><link rel="stylesheet" href="/_assets/app.css"></head><body><nano-fragment src="fuzz/card" title="home" primary>No card</nano-fragment></body></html>\n',
  'pages/item/[id].html':
    '<!doctype html><html><head><title>{params.id}</title></head><body><p>{query.note}</p><nano-fragment src="fuzz/card" title="{params.id}" count="{query.count|1}" tone="{query.tone|plain}" primary>No card</nano-fragment></body></html>\n',
  'pages/notes/[slug].ts': notesPage,
  'pages/_assets/app.css': `body { font-family: sans-serif }\n${'p { margin: 0 0 1em }\n'.repeat(100)}`,
  'public/robots.txt': 'User-agent: *\nAllow: /\n',
  'public/.env': `TOKEN=${SECRET_MARKER}\n`,
  'public/data/big.txt': `${'0123456789abcdef'.repeat(8192)}\n`,
}
