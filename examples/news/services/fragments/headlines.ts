import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionHref, sectionLabel, storyHref, timeTag } from '../_lib/fragments.ts'
import { Section } from '../_lib/news.ts'

export default fragment({
  description: 'Latest headlines of one section (or all), as cards with summaries or as a compact list',
  input: z.object({
    section: Section.optional(),
    limit: z.number().int().min(1).max(20).optional(),
    title: z.string().min(1).max(60).optional(),
    layout: z.enum(['cards', 'list']).optional(),
    ...DEMO_FLAGS,
  }),
  uses: ['news/headlines'],
  css: 'headlines.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ section, limit = 4, title, layout = 'cards', ...flags }, ctx) {
    await demoEffects('fragments/headlines', flags, ctx)
    const list = await ctx.call('news/headlines', section === undefined ? { limit } : { section, limit })
    const heading = title ?? (section === undefined ? 'Latest' : sectionLabel(section))
    const id = `section-${section ?? 'latest'}`
    return html`<section class="headlines headlines--${layout}" id="${id}" data-fragment="fragments/headlines" data-section="${section ?? 'all'}">
  <h2 class="headlines__heading">${section === undefined ? heading : html`<a href="${sectionHref(section)}">${heading}</a>`}</h2>
  ${
    list.stories.length === 0
      ? html`<p class="headlines__empty">No stories yet.</p>`
      : html`<ol class="headlines__items">
    ${list.stories.map(
      (s) => html`<li class="headlines__item">
      <a class="headlines__title" href="${storyHref(s.id)}">${s.title}</a>
      ${layout === 'cards' ? html`<p class="headlines__summary">${s.summary}</p>` : null}
      <p class="headlines__meta">${timeTag(s.published)}${section === undefined ? html` · ${sectionLabel(s.section)}` : null}</p>
    </li>`,
    )}
  </ol>`
  }
</section>`
  },
})
