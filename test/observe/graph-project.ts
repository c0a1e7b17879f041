import { svc } from '../helpers/project.ts'

/**
 * A small app for the call-graph tests: `weather` uses the internal `geo` (which fails for
 * Atlantis), the fragment `frag/box` uses `weather`, the page `/` shows `frag/box`, and the
 * TypeScript page `/report` calls `weather` from its data.
 *
 * @example
 * const root = await tempProject(t, GRAPH_APP)
 */
export const GRAPH_APP: Record<string, string> = {
  'services/geo.ts': svc(`visibility: 'internal', description: 'Where a city is',
    input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: ({ city }) => { if (city === 'Atlantis') throw new Error('sunk'); return { lat: city.length } },`),
  'services/weather.ts': svc(`uses: ['geo'], description: 'The weather in a city',
    input: z.object({ city: z.string() }), output: z.object({ lat: z.number() }),
    run: async ({ city }, ctx) => ctx.call('geo', { city }),`),
  'services/frag/box.ts': `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  uses: ['weather'], description: 'A weather box',
  input: z.object({ city: z.string() }),
  render: async ({ city }, ctx) => html\`<p class="box">\${city} \${(await ctx.call('weather', { city })).lat}</p>\`,
})
`,
  'pages/index.html': `<!doctype html><html><head><title>home</title></head><body>
<nano-fragment src="frag/box" city="Leeds">no weather</nano-fragment>
</body></html>`,
  'pages/report.ts': `import { page } from '@nanoweb/core'
export default page({
  uses: ['weather'],
  async data({ call }) { return { lat: (await call('weather', { city: 'York' })).lat } },
  template: '<!doctype html><html><head><title>report</title></head><body><p>{data.lat}</p></body></html>',
})
`,
}
