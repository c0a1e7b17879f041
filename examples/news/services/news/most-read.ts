import { service } from '@nanoweb/core'
import { z } from 'zod'
import { Section, stories } from '../_lib/news.ts'

export default service({
  description: 'Most-read stories, ranked by read count, across the site or in one section',
  idempotent: true,
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  input: z.object({
    section: Section.optional(),
    limit: z.number().int().min(1).max(20).optional(),
  }),
  output: z.object({
    stories: z.array(
      z.object({
        rank: z.number().int(),
        id: z.string(),
        title: z.string(),
        section: Section,
        readCount: z.number().int(),
      }),
    ),
  }),
  run({ section, limit = 10 }) {
    const ranked = stories
      .filter((s) => section === undefined || s.section === section)
      .toSorted((a, b) => b.readCount - a.readCount)
      .slice(0, limit)
    return {
      stories: ranked.map((s, i) => ({
        rank: i + 1,
        id: s.id,
        title: s.title,
        section: s.section,
        readCount: s.readCount,
      })),
    }
  },
})
