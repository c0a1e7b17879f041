import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, formatNumber, sectionLabel, storyHref } from '../_lib/fragments.ts'
import { Section } from '../_lib/news.ts'

export default fragment({
  description: 'The most-read stories, ranked, across the site or in one section',
  input: z.object({ section: Section.optional(), limit: z.number().int().min(1).max(20).optional(), ...DEMO_FLAGS }),
  uses: ['news/most-read'],
  css: 'most-read.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ section, limit = 10, ...flags }, ctx) {
    await demoEffects('fragments/most-read', flags, ctx)
    const { stories } = await ctx.call('news/most-read', section === undefined ? { limit } : { section, limit })
    return html`<section class="most-read" data-fragment="fragments/most-read">
  <h2 class="most-read__heading">Most read${section === undefined ? null : html` in ${sectionLabel(section)}`}</h2>
  <ol class="most-read__items">
    ${stories.map(
      (s) => html`<li class="most-read__item">
      <span class="most-read__rank" aria-hidden="true">${s.rank}</span>
      <a class="most-read__title" href="${storyHref(s.id)}">${s.title}</a>
      <span class="most-read__count">${formatNumber(s.readCount)} reads</span>
    </li>`,
    )}
  </ol>
</section>`
  },
})
