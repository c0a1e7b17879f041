import { service } from '@nanoweb/core'
import { z } from 'zod'
import { Headline, Section, stories, toHeadline } from '../_lib/news.ts'

export default service({
  description: 'Latest headlines, newest first, across the site or in one section',
  idempotent: true,
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  input: z.object({
    section: Section.optional(),
    limit: z.number().int().min(1).max(50).optional(),
  }),
  output: z.object({ section: Section.nullable(), stories: z.array(Headline) }),
  run({ section, limit = 10 }) {
    const list = section === undefined ? stories : stories.filter((s) => s.section === section)
    return { section: section ?? null, stories: list.slice(0, limit).map(toHeadline) }
  },
})
