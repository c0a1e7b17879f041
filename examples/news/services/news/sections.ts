import { service } from '@nanoweb/core'
import { z } from 'zod'
import { SECTION_INFO, SECTIONS, Section, stories } from '../_lib/news.ts'

export default service({
  description: 'The sections of the site, with how many stories each has and when it was last updated',
  idempotent: true,
  cache: { ttl: '5m', staleWhileRevalidate: '1h' },
  input: z.object({}),
  output: z.object({
    sections: z.array(
      z.object({
        id: Section,
        title: z.string(),
        description: z.string(),
        storyCount: z.number().int(),
        updated: z.string().nullable(),
      }),
    ),
  }),
  run() {
    const all = stories
    return {
      sections: SECTIONS.map((id) => {
        const own = all.filter((s) => s.section === id)
        return { id, ...SECTION_INFO[id], storyCount: own.length, updated: own[0]?.published ?? null }
      }),
    }
  },
})
