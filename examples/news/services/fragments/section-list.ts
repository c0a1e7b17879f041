import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionHref } from '../_lib/fragments.ts'

export default fragment({
  description: 'The section menu under the masthead; `active` (home or a section id) is highlighted',
  input: z.object({ active: z.string().max(40).optional(), ...DEMO_FLAGS }),
  uses: ['news/sections'],
  css: 'section-list.css',
  cache: { ttl: '5m', staleWhileRevalidate: '1h' },
  async render({ active, ...flags }, ctx) {
    await demoEffects('fragments/section-list', flags, ctx)
    const { sections } = await ctx.call('news/sections', {})
    const item = (id: string, href: string, label: string, hint: string) =>
      html`<li><a class="section-list__link${id === active ? ' is-active' : ''}" href="${href}" title="${hint}"${
        id === active ? html` aria-current="page"` : null
      }>${label}</a></li>`
    return html`<nav class="section-list" data-fragment="fragments/section-list" aria-label="Sections">
  <ul class="section-list__items">
    ${item('home', '/', 'Home', 'Front page')}
    ${sections.map((s) => item(s.id, sectionHref(s.id), s.title, `${s.description} (${s.storyCount} stories)`))}
  </ul>
</nav>`
  },
})
