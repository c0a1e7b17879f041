import { z } from 'zod'
import { readData } from './data.ts'

/** The sections of the site, in menu order. */
export const SECTIONS = ['news', 'world', 'business', 'technology', 'sport', 'science'] as const

/** A section id, for inputs and outputs. */
export const Section = z.enum(SECTIONS)

/** Title and one-line description of each section. */
export const SECTION_INFO: Record<z.output<typeof Section>, { title: string; description: string }> = {
  news: { title: 'UK', description: 'News from across England, Scotland, Wales and Northern Ireland' },
  world: { title: 'World', description: 'International news and correspondents around the globe' },
  business: { title: 'Business', description: 'Economy, markets, companies and personal finance' },
  technology: { title: 'Technology', description: 'Computing, the internet, gadgets and the people behind them' },
  sport: { title: 'Sport', description: 'Football, tennis and the rest of the weekend sport' },
  science: { title: 'Science', description: 'Space, nature, climate and discoveries' },
}

/** A story as it appears in a list: no body. */
export const Headline = z.object({
  id: z.string(),
  section: Section,
  title: z.string(),
  summary: z.string(),
  published: z.string(),
})

/** A full story, as stored in data/stories.json. */
export const Story = Headline.extend({
  byline: z.string(),
  readCount: z.number().int().min(0),
  body: z.array(z.string()).min(1),
})

/** A story as stored. */
export type StoryRecord = z.output<typeof Story>

/** Every story of data/stories.json, newest first. */
export const stories: readonly StoryRecord[] = Object.freeze(
  readData('stories', z.object({ stories: z.array(Story) })).stories.toSorted((a, b) =>
    b.published.localeCompare(a.published),
  ),
)

/** The list form of a story. */
export function toHeadline(s: StoryRecord): z.output<typeof Headline> {
  return { id: s.id, section: s.section, title: s.title, summary: s.summary, published: s.published }
}
