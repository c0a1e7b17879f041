import { generateProject } from './project.ts'

/**
 * Writes `.bench-tmp/<name>`: `count` data services, `count` fragments each calling its own data
 * service, and one page (`/`) naming every fragment. `2 × count` service files in all.
 *
 * @example
 * const root = await coldApp('cold-1000', 1000)
 */
export function coldApp(name: string, count: number): Promise<string> {
  const files: Record<string, string> = {}
  const slots: string[] = []
  for (let i = 0; i < count; i++) {
    files[`services/data/d${i}.ts`] = `import { service } from '@nanoweb/core'
import { z } from 'zod'
export default service({
  description: 'Data ${i}',
  input: z.object({ id: z.number().int() }),
  output: z.object({ id: z.number().int(), title: z.string() }),
  run: ({ id }) => ({ id, title: 'Item ${i}' }),
})
`
    files[`services/frag/f${i}.ts`] = `import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
export default fragment({
  description: 'Fragment ${i}',
  input: z.object({}),
  uses: ['data/d${i}'],
  async render(_input, ctx) {
    const item = await ctx.call('data/d${i}', { id: ${i} })
    return html\`<li>\${item.title}</li>\`
  },
})
`
    slots.push(`<nano-fragment src="frag/f${i}">-</nano-fragment>`)
  }
  files['pages/index.html'] =
    `<!doctype html><html><head><title>cold</title></head><body budget="120s"><ul>\n${slots.join('\n')}\n</ul></body></html>\n`
  return generateProject(name, files)
}
