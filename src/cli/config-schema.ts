import { Ajv2020 } from 'ajv/dist/2020.js'
import { closest } from '../define/did-you-mean.ts'
import type { NanowebConfig } from './config.ts'

/**
 * A JSON Schema with a `description` saying, in words, what a value must be: the config check
 * says `<option> must be <description> (got <value>)`.
 *
 * @example
 * const port: DescribedSchema = { type: 'integer', minimum: 0, maximum: 65535, description: 'an integer from 0 to 65535' }
 */
export interface DescribedSchema {
  readonly description: string
  readonly properties?: Readonly<Record<string, DescribedSchema>>
  readonly [keyword: string]: unknown
}

const atLeast = (minimum: number, what = 'an integer'): DescribedSchema => ({
  type: 'integer',
  minimum,
  description: `${what} of ${minimum} or more`,
})
const flag: DescribedSchema = { type: 'boolean', description: 'true or false' }
const name = (what: string): DescribedSchema => ({
  type: 'string',
  minLength: 1,
  description: `${what} (a non-empty string)`,
})
const duration: DescribedSchema = {
  anyOf: [
    { type: 'number', minimum: 0 },
    { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?(ms|s|m|h|d)\\s*$' },
  ],
  description: "a duration: milliseconds (a number of 0 or more) or a string such as '150ms', '10s', '5m', '1h'",
}
const object = (properties: Record<string, DescribedSchema>, description: string): DescribedSchema => ({
  type: 'object',
  properties,
  additionalProperties: false,
  description,
})

const level: DescribedSchema = {
  enum: ['debug', 'info', 'warn', 'error'],
  description: "one of 'debug', 'info', 'warn', 'error'",
}
const fn: DescribedSchema = { isFunction: true, description: 'a function' }
const names = (what: string): DescribedSchema => ({
  anyOf: [name(what), { type: 'array', items: name(what), minItems: 1 }],
  description: `${what} or an array of them`,
})
const accessRule: DescribedSchema = {
  anyOf: [
    { enum: ['public', 'user'] },
    object({ roles: { type: 'array', items: name('a role'), description: 'an array of role names' } }, 'roles'),
    fn,
  ],
  description: "an access rule: 'public', 'user', { roles: ['admin'] } or a function (user, input) => boolean",
}
const jwt = object(
  {
    secret: { type: 'string', minLength: 32, description: 'a shared secret of at least 32 characters' },
    jwks: name('a JWKS file or https:// URL'),
    issuer: names('an issuer'),
    audience: names('an audience'),
    algorithms: { type: 'array', items: name('an algorithm'), minItems: 1, description: "an array such as ['RS256']" },
    rolesClaim: name('a claim name'),
    clockTolerance: { type: 'number', minimum: 0, description: 'seconds: a number of 0 or more' },
  },
  'an object: { secret } or { jwks, issuer, audience, algorithms, rolesClaim, clockTolerance }',
)

/** One schema per option: tsc checks that these are exactly the options of {@link NanowebConfig}. */
const OPTIONS: { readonly [K in keyof Required<NanowebConfig>]: DescribedSchema } = {
  port: { type: 'integer', minimum: 0, maximum: 65535, description: 'an integer from 0 to 65535' },
  host: name("an interface to listen on, such as '127.0.0.1' or '0.0.0.0'"),
  logLevel: level,
  logLevels: {
    type: 'object',
    propertyNames: { minLength: 1 },
    additionalProperties: level,
    description: "an object of glob patterns on service names to levels, such as { 'news/*': 'debug' }",
  },
  logFormat: { enum: ['json', 'pretty'], description: "'json' or 'pretty'" },
  accessLog: flag,
  bodyLimit: atLeast(0, 'a number of bytes: an integer'),
  title: { type: 'string', description: 'a string' },
  version: { type: 'string', description: 'a string' },
  user: object(
    { cookie: name('a cookie name'), header: name('a header name') },
    "an object naming where the user id comes from, such as { cookie: 'uid' } or { header: 'x-user-id' }",
  ),
  live: object(
    {
      bufferLimit: atLeast(1, 'a number of bytes: an integer'),
      renderTimeout: duration,
      maxInstances: atLeast(1),
      idleGrace: duration,
      streamsPerAddress: atLeast(1),
      heartbeatMs: atLeast(1, 'milliseconds: an integer'),
    },
    'an object of live stream limits: { bufferLimit, renderTimeout, maxInstances, idleGrace, streamsPerAddress, heartbeatMs }',
  ),
  warm: { enum: ['pages', 'render', 'all', false], description: "'pages', 'render', 'all' or false" },
  securityHeaders: {
    anyOf: [
      { const: false },
      { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { const: false }] } },
    ],
    description: "false, or an object of headers by name, each a string or false: { 'referrer-policy': 'no-referrer' }",
  },
  csp: {
    anyOf: [
      { const: false },
      {
        type: 'object',
        additionalProperties: { anyOf: [{ type: 'array', items: { type: 'string' } }, { const: false }] },
      },
    ],
    description:
      "false, or an object of CSP directives, each an array of sources or false: { 'img-src': [\"'self'\", 'data:'] }",
  },
  cors: {
    ...object(
      {
        origins: {
          anyOf: [{ const: '*' }, { type: 'array', items: name('an origin such as https://app.example') }],
          description: "'*' or an array of origins such as ['https://app.example']",
        },
        methods: {
          type: 'array',
          items: name('an HTTP method'),
          description: "an array of methods such as ['GET', 'POST']",
        },
        credentials: flag,
        headers: {
          type: 'array',
          items: name('a header name'),
          description: "an array of header names such as ['content-type']",
        },
        maxAge: atLeast(0, 'seconds: an integer'),
      },
      'an object of CORS settings for /api/*: { origins, methods, credentials, headers, maxAge }',
    ),
    required: ['origins'],
  },
  shutdownTimeoutMs: { type: 'number', minimum: 0, description: 'milliseconds: a number of 0 or more' },
  maxCallDepth: atLeast(1),
  maxCallsPerRequest: atLeast(1),
  stallLimit: {
    anyOf: [{ const: false }, ...(duration.anyOf as object[])],
    description: `false, or ${duration.description}`,
  },
  validateInternalCalls: flag,
  metrics: flag,
  fastValidationAfter: atLeast(0, 'a number of calls: an integer'),
  cacheLimits: object(
    { maxEntries: atLeast(1), maxBytes: atLeast(1, 'a number of bytes: an integer') },
    'an object bounding the in-memory cache: { maxEntries, maxBytes }',
  ),
  services: {
    type: 'array',
    items: name("a glob pattern on service names, such as 'sport/**'"),
    description: "an array of glob patterns on service names, such as ['sport/**'] ([] for none)",
  },
  cacheStoreDefault: { enum: ['local', 'shared'], description: "'local' or 'shared'" },
  auth: {
    anyOf: [fn, { ...object({ jwt, apiKeys: name('an API key file') }, 'auth'), minProperties: 1 }],
    description:
      "{ jwt: { secret } }, { jwt: { jwks, issuer, audience } }, { apiKeys: './api-keys.json' }, or a function (request) => user | null",
  },
  admin: accessRule,
  production: flag,
  rateLimit: {
    ...object(
      {
        perClient: {
          type: 'string',
          pattern: '^\\s*\\d+(\\.\\d+)?\\s*/\\s*(s|m|h)\\s*$',
          description: "a rate such as '100/s', '600/m' or '1000/h'",
        },
        burst: atLeast(1),
      },
      "an object such as { perClient: '100/s', burst: 200 }",
    ),
    required: ['perClient'],
  },
  trustProxy: {
    anyOf: [
      { type: 'boolean' },
      { type: 'integer', minimum: 0 },
      { type: 'array', items: { type: 'string', minLength: 1 } },
    ],
    description: "true, false, a number of proxies, or a list of proxy addresses such as ['10.0.0.5']",
  },
  connections: object(
    {
      headersTimeout: duration,
      requestTimeout: duration,
      keepAliveTimeout: duration,
      maxHeaderSize: atLeast(1, 'a number of bytes: an integer'),
      maxHeadersCount: atLeast(1),
      maxPerAddress: atLeast(0),
    },
    'an object of connection limits: { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxHeadersCount, maxPerAddress }',
  ),
  breaker: {
    anyOf: [
      { const: false },
      object({ failures: atLeast(1), coolDown: duration, window: duration }, 'breaker settings'),
    ],
    description: "false, or an object such as { failures: 5, coolDown: '10s', window: '60s' }",
  },
  untrusted: {
    type: 'array',
    items: name("a glob pattern on service names, such as 'plugins/**'"),
    description: "an array of glob patterns on service names whose services run in isolates, such as ['plugins/**']",
  },
  limits: object(
    {
      memory: {
        anyOf: [
          { type: 'number', exclusiveMinimum: 0 },
          { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][bB])\\s*$' },
        ],
        description: "a size: bytes (a number above 0) or a string such as '64MB', '512KB', '1GB'",
      },
      cpu: duration,
    },
    "an object of isolate limits: { memory: '64MB', cpu: '50ms' }",
  ),
  isolateIdle: duration,
  nats: {
    ...object(
      {
        servers: {
          anyOf: [name('a NATS URL'), { type: 'array', items: name('a NATS URL'), minItems: 1 }],
          description: "a NATS URL or an array of them, such as 'nats://127.0.0.1:4222'",
        },
        token: name('a token'),
        user: name('a user name'),
        pass: { type: 'string', description: 'a password' },
        credsFile: name('the path of a NATS credentials file'),
        name: name('a connection name'),
        cacheBucket: name('a JetStream KV bucket name'),
        tls: object(
          { caFile: name('a file path'), certFile: name('a file path'), keyFile: name('a file path') },
          'an object of TLS files: { caFile, certFile, keyFile }',
        ),
      },
      'an object of NATS connection options: { servers, token, user, pass, credsFile, name, cacheBucket, tls }',
    ),
    required: ['servers'],
  },
}

/**
 * The JSON Schema of `nanoweb.config.ts`'s default export: an object of known options, each
 * described in words for error messages. Unknown options are refused, at every level.
 *
 * @example
 * CONFIG_SCHEMA.properties.port // { type: 'integer', minimum: 0, maximum: 65535, description: … }
 */
export const CONFIG_SCHEMA = {
  type: 'object',
  properties: OPTIONS,
  additionalProperties: false,
  description: 'an object of options: export default defineConfig({ … })',
} as const satisfies DescribedSchema

const check = new Ajv2020({ allErrors: true, strict: true })
  .addKeyword({
    keyword: 'isFunction',
    schemaType: 'boolean',
    validate: (_: boolean, data: unknown) => typeof data === 'function',
  })
  .compile(CONFIG_SCHEMA)

/**
 * What is wrong with a config, one sentence per option, checked against {@link CONFIG_SCHEMA}:
 * `port must be an integer from 0 to 65535 (got "80a")`, `unknown option 'prot' (did you mean
 * 'port'?)`. Nested options are named with dots (`live.heartbeatMs`). Empty when it is valid.
 *
 * @example
 * configProblems({ prot: 80 }) // ["unknown option 'prot' (did you mean 'port'?)"]
 */
export function configProblems(config: unknown): string[] {
  if (check(config)) return []
  const problems = new Set<string>()
  for (const error of check.errors ?? []) {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    const schema = schemaAt(path)
    if (error.keyword === 'additionalProperties') {
      const unknown = String((error.params as { additionalProperty: string }).additionalProperty)
      const near = closest(unknown, Object.keys(schema.properties ?? {}))
      const hint = near === undefined ? '' : ` (did you mean '${[...path, near].join('.')}'?)`
      problems.add(`unknown option '${[...path, unknown].join('.')}'${hint}`)
    } else {
      const label = path.length === 0 ? 'the default export' : path.join('.')
      problems.add(`${label} must be ${schema.description} (got ${show(valueAt(config, path))})`)
    }
  }
  return [...problems]
}

function schemaAt(path: readonly string[]): DescribedSchema {
  let schema: DescribedSchema = CONFIG_SCHEMA
  for (const part of path) {
    schema = schema.properties?.[part] ?? inAlternatives(schema, part) ?? anyKey(schema) ?? schema
  }
  return schema
}

/** The described schema of every key of an object such as `logLevels` (its `additionalProperties`). */
function anyKey(schema: DescribedSchema): DescribedSchema | undefined {
  const every = schema.additionalProperties as DescribedSchema | boolean | undefined
  return typeof every === 'object' && typeof every.description === 'string' ? every : undefined
}

function inAlternatives(schema: DescribedSchema, part: string): DescribedSchema | undefined {
  const alternatives = (schema.anyOf ?? []) as DescribedSchema[]
  return alternatives.find((alternative) => alternative.properties?.[part] !== undefined)?.properties?.[part]
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let at = value
  for (const part of path) at = (at as Record<string, unknown>)[part]
  return at
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'bigint') return `${value}n`
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
