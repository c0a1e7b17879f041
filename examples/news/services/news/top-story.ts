import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { Headline, Section, Story } from '../_lib/news.ts'

/** How many of the latest stories compete for the top slot. */
const CANDIDATES = 5

export default service({
  description: 'The lead story: the most read of the five latest, across the site or in one section',
  idempotent: true,
  uses: ['news/headlines', 'news/story'],
  timeout: '300ms',
  input: z.object({ section: Section.optional() }),
  output: Story.extend({ related: z.array(Headline) }),
  async run({ section }, ctx) {
    const latest = await ctx.call('news/headlines', { section, limit: CANDIDATES })
    if (latest.stories.length === 0) throw new NanoError('NANO_E_NOT_FOUND', `No stories in section '${section}'`)
    const full = await Promise.all(latest.stories.map((h) => ctx.call('news/story', { id: h.id })))
    return full.reduce((best, s) => (s.readCount > best.readCount ? s : best))
  },
})
