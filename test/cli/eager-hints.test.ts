import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withEagerHints } from '../../src/cli/build/eager-hints.ts'

const BUNDLE = `var init_a = __esm({
  "services/a.ts"() {
    "use strict";
    a_default = service({ run: () => 1 });
  }
});
var init_b = __esm({
  async "services/b.ts"() {
    "use strict";
    b_default = await make();
  }
});
var services = {
  "a": () => Promise.resolve().then(() => (init_a(), a_exports)),
  "b": () => Promise.resolve().then(() => (init_b(), b_exports))
};
export {
  services
};
`

test('the services map entries and the top-level code of bundled modules are wrapped in parentheses, line for line', async () => {
  const hinted = await withEagerHints(BUNDLE)
  assert.equal(hinted.split('\n').length, BUNDLE.split('\n').length, 'lines keep their numbers (the source map holds)')
  assert.match(hinted, /^ {2}"services\/a\.ts": \(function \(\) \{$/m)
  assert.match(hinted, /a_default = service\(\{ run: \(\) => 1 \}\);\n {2}\}\)\n\}\);/)
  assert.match(hinted, /^ {2}"a": \(\(\) => Promise\.resolve\(\)\.then\(\(\) => \(init_a\(\), a_exports\)\)\),$/m)
  assert.match(hinted, /^ {2}"b": \(\(\) => Promise\.resolve\(\)\.then\(\(\) => \(init_b\(\), b_exports\)\)\)$/m)
  assert.match(hinted, /^ {2}async "services\/b\.ts"\(\) \{$/m, 'an async module body is left as it is')
})

test('code the rewrite would break (a template literal holding the closing lines) is returned unchanged', async () => {
  const tricky = BUNDLE.replace('a_default = service({ run: () => 1 });', 'a_default = `\n  }\n});\n`;')
  assert.equal(await withEagerHints(tricky), tricky)
})

test('code without the shapes esbuild writes is returned as it is', async () => {
  const plain = 'export const x = () => 1\n'
  assert.equal(await withEagerHints(plain), plain)
})
