import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { Headline, Story, stories, toHeadline } from '../_lib/news.ts'

export default service({
  description: 'One full story by id, with up to three related stories from its section',
  idempotent: true,
  cache: { ttl: '60s', staleWhileRevalidate: '10m' },
  input: z.object({ id: z.string().min(1).max(120) }),
  output: Story.extend({ related: z.array(Headline) }),
  run({ id }) {
    const story = stories.find((s) => s.id === id)
    if (story === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No story with id '${id}'`)
    const related = stories
      .filter((s) => s.section === story.section && s.id !== id)
      .slice(0, 3)
      .map(toHeadline)
    return { ...story, related }
  },
})
