import { service } from '@nanoweb/core'
import { z } from 'zod'
import { Headline, Section, type StoryRecord, stories, toHeadline } from '../_lib/news.ts'

/** Points for a query word found in the title, the summary and the body. */
const WEIGHTS = { title: 3, summary: 2, body: 1 }

export default service({
  description: 'Full-text search of stories: every query word found in title, summary or body adds to the score',
  idempotent: true,
  input: z.object({
    query: z.string().min(2).max(100),
    section: Section.optional(),
    limit: z.number().int().min(1).max(50).optional(),
  }),
  output: z.object({
    query: z.string(),
    total: z.number().int(),
    results: z.array(Headline.extend({ score: z.number() })),
  }),
  run({ query, section, limit = 10 }) {
    const words = query
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 2)
    const hits = stories
      .filter((s) => section === undefined || s.section === section)
      .map((s) => ({ story: s, score: score(s, words) }))
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score)
    return {
      query,
      total: hits.length,
      results: hits.slice(0, limit).map((h) => ({ ...toHeadline(h.story), score: h.score })),
    }
  },
})

function score(story: StoryRecord, words: readonly string[]): number {
  const title = story.title.toLowerCase()
  const summary = story.summary.toLowerCase()
  const body = story.body.join(' ').toLowerCase()
  let total = 0
  for (const w of words) {
    if (title.includes(w)) total += WEIGHTS.title
    if (summary.includes(w)) total += WEIGHTS.summary
    if (body.includes(w)) total += WEIGHTS.body
  }
  return total
}
