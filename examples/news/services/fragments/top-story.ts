import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionHref, sectionLabel, storyHref, timeTag } from '../_lib/fragments.ts'
import { Section } from '../_lib/news.ts'

export default fragment({
  description: 'The lead story: big headline, summary, opening paragraph and related links',
  input: z.object({ section: Section.optional(), ...DEMO_FLAGS }),
  uses: ['news/top-story'],
  css: 'top-story.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ section, ...flags }, ctx) {
    await demoEffects('fragments/top-story', flags, ctx)
    const lead = await ctx.call('news/top-story', section === undefined ? {} : { section })
    return html`<article class="top-story" data-fragment="fragments/top-story" data-story="${lead.id}">
  <a class="top-story__section" href="${sectionHref(lead.section)}">${sectionLabel(lead.section)}</a>
  <h2 class="top-story__title"><a href="${storyHref(lead.id)}">${lead.title}</a></h2>
  <p class="top-story__summary">${lead.summary}</p>
  <p class="top-story__opening">${lead.body[0]}</p>
  <p class="top-story__meta">${timeTag(lead.published)} <span class="top-story__byline">${lead.byline}</span></p>
  ${
    lead.related.length === 0
      ? null
      : html`<ul class="top-story__related" aria-label="Related stories">
    ${lead.related.map((r) => html`<li><a href="${storyHref(r.id)}">${r.title}</a></li>`)}
  </ul>`
  }
</article>`
  },
})
