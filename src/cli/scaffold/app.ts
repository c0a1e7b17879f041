import { HELLO_CARD, HELLO_CARD_TEST, HELLO_SERVICE, HELLO_TEST, indexPage } from './hello.ts'
import { GITIGNORE, type ManifestInput, packageJson, TSCONFIG } from './manifest.ts'
import { readme } from './readme.ts'

/**
 * Every file of a new app, by path relative to its folder (`nanoweb-env.d.ts` aside: `init`
 * generates it from the services once they are written).
 *
 * @example
 * Object.keys(appFiles({ name: 'my-app', core: '^0.1.0', zod: '^4' })) // ['package.json', 'tsconfig.json', …]
 */
export function appFiles(input: ManifestInput): Record<string, string> {
  return {
    'package.json': packageJson(input),
    'tsconfig.json': TSCONFIG,
    '.gitignore': GITIGNORE,
    'README.md': readme(input.name),
    'services/hello.ts': HELLO_SERVICE,
    'services/hello.test.ts': HELLO_TEST,
    'services/hello-card.ts': HELLO_CARD,
    'services/hello-card.test.ts': HELLO_CARD_TEST,
    'pages/index.html': indexPage(input.name),
  }
}
