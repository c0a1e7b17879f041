/**
 * The new app's README: what it is, how to install, run, test and type-check it, and where to
 * add a service, a fragment or a page.
 *
 * @example
 * files['README.md'] = readme('my-app')
 */
export function readme(name: string): string {
  return `# ${name}

A [nanoweb](https://www.npmjs.com/package/@nanoweb/core) app: one file per service under
\`services/\`, each its own endpoint at \`/api/<name>\`, composed into pages under \`pages/\`.

## Run it

\`\`\`sh
npm install        # also installs Node 24 for the scripts below
npm start          # serves http://localhost:3000
npm run dev        # the same, and picks up changes without a restart
npm test           # runs services/**/*.test.ts with node:test
npm run check      # type-checks everything with tsc
\`\`\`

Try \`http://localhost:3000/\` (\`pages/index.html\`) and
\`http://localhost:3000/api/hello?name=Ada\` (\`services/hello.ts\`).

## Test it

The tests next to the services use \`testRuntime\` from \`@nanoweb/core/testing\`: real services,
with the ones they call replaced by fakes where you wish (\`fakes: { hello: ({ name }) => ({ greeting: 'Hi' }) }\`,
checked against the real schemas), every call recorded (\`rt.calls('hello')\`), and a fragment
(\`rt.render('hello-card', { name: 'Ada' })\`) or a whole page (\`rt.page('/')\`) as a string.

## Add to it

- A service: a file under \`services/\`, e.g. \`services/weather/now.ts\` is the service
  \`weather/now\` at \`/api/weather/now\` (\`npx nanoweb new weather/now\` writes one with its test).
- A fragment (a service that renders HTML): like \`services/hello-card.ts\`.
- A page: an HTML file under \`pages/\` placing fragments with
  \`<nano-fragment src="hello-card" name="Ada"></nano-fragment>\`.
- Settings (port, host, log level, …): an optional \`nanoweb.config.ts\`:
  \`export default defineConfig({ port: 8080 })\`, with \`defineConfig\` from \`@nanoweb/core\`.

\`nanoweb-env.d.ts\` types calls between services by their names; \`npm run dev\` (or
\`npx nanoweb types\`) rewrites it when services are added or removed. Keep it in git.
`
}
