import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionLabel, storyHref, timeTag } from '../_lib/fragments.ts'

export default fragment({
  description: 'Stories related to a story (same section), as a short list of links',
  input: z.object({ id: z.string().min(1).max(120), ...DEMO_FLAGS }),
  uses: ['news/story'],
  css: 'story-related.css',
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  async render({ id, ...flags }, ctx) {
    await demoEffects('fragments/story-related', flags, ctx)
    const story = await ctx.call('news/story', { id })
    return html`<aside class="story-related" data-fragment="fragments/story-related" data-story="${story.id}">
  <h2 class="story-related__heading">More from ${sectionLabel(story.section)}</h2>
  ${
    story.related.length === 0
      ? html`<p class="story-related__none">Nothing related yet.</p>`
      : html`<ul class="story-related__items">
    ${story.related.map(
      (r) => html`<li class="story-related__item">
      <a class="story-related__title" href="${storyHref(r.id)}">${r.title}</a>
      <p class="story-related__summary">${r.summary}</p>
      <p class="story-related__meta">${timeTag(r.published)}</p>
    </li>`,
    )}
  </ul>`
  }
</aside>`
  },
})
