import { type CallOutput, fragment, html, NanoError } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, isNotFound, sectionHref, sectionLabel, timeTag } from '../_lib/fragments.ts'

export default fragment({
  description: 'A full story: headline, byline, summary and body; 404 (NANO_E_NOT_FOUND) for an unknown id',
  input: z.object({ id: z.string().min(1).max(120), ...DEMO_FLAGS }),
  uses: ['news/story'],
  css: 'story-body.css',
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  async render({ id, ...flags }, ctx) {
    await demoEffects('fragments/story-body', flags, ctx)
    let story: CallOutput<'news/story'>
    try {
      story = await ctx.call('news/story', { id })
    } catch (error) {
      // The page's status follows this fragment: an unknown story is this fragment's own 404.
      if (isNotFound(error)) throw new NanoError('NANO_E_NOT_FOUND', `No story with id '${id}'`)
      throw error
    }
    return html`<article class="story-body" data-fragment="fragments/story-body" data-story="${story.id}">
  <header class="story-body__header">
    <a class="story-body__section" href="${sectionHref(story.section)}">${sectionLabel(story.section)}</a>
    <h1 class="story-body__title">${story.title}</h1>
    <p class="story-body__meta">${timeTag(story.published)} <span class="story-body__byline">By ${story.byline}</span></p>
  </header>
  <p class="story-body__summary">${story.summary}</p>
  ${story.body.map((paragraph) => html`<p class="story-body__paragraph">${paragraph}</p>`)}
</article>`
  },
})
