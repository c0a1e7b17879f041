import { service } from '@nanoweb/core'
import { z } from 'zod'
import { Headline, SECTION_INFO, SECTIONS, Section } from '../_lib/news.ts'
import { Condition } from '../_lib/weather.ts'

export default service({
  description: 'Everything the home page shows, in one call: lead story, sections, most read, weather, markets, league',
  idempotent: true,
  uses: ['news/top-story', 'news/headlines', 'news/most-read', 'weather/current', 'markets/indices', 'sport/table'],
  timeout: '500ms',
  input: z.object({ city: z.string().min(1).max(80).optional() }),
  output: z.object({
    lead: Headline,
    sections: z.array(z.object({ section: Section, title: z.string(), stories: z.array(Headline) })),
    mostRead: z.array(z.object({ rank: z.number().int(), id: z.string(), title: z.string() })),
    weather: z.object({ city: z.string(), condition: Condition, tempC: z.number() }).nullable(),
    markets: z.array(z.object({ symbol: z.string(), name: z.string(), level: z.number(), changePct: z.number() })),
    leaders: z.array(z.object({ position: z.number().int(), club: z.string(), points: z.number().int() })),
  }),
  async run({ city = 'London' }, ctx) {
    // The side panels are optional: a page without the weather beats no page at all.
    const optional = <T>(part: string, call: Promise<T>) =>
      call.catch((error: unknown) => {
        ctx.log.warn('front page part unavailable', { part, error: String(error) })
        return null
      })
    const sectionLists = Promise.all(SECTIONS.map((section) => ctx.call('news/headlines', { section, limit: 3 })))
    const [lead, mostRead, weather, markets, league] = await Promise.all([
      ctx.call('news/top-story', {}),
      ctx.call('news/most-read', { limit: 5 }),
      optional('weather', ctx.call('weather/current', { city })),
      optional('markets', ctx.call('markets/indices', { region: 'uk' })),
      optional('league', ctx.call('sport/table', {})),
    ])
    return {
      lead: { id: lead.id, section: lead.section, title: lead.title, summary: lead.summary, published: lead.published },
      sections: (await sectionLists).map((list, i) => {
        const section = SECTIONS[i] ?? 'news'
        return { section, title: SECTION_INFO[section].title, stories: list.stories }
      }),
      mostRead: mostRead.stories.map(({ rank, id, title }) => ({ rank, id, title })),
      weather: weather && { city: weather.city, condition: weather.condition, tempC: weather.tempC },
      markets: (markets?.indices ?? []).map(({ symbol, name, level, changePct }) => ({
        symbol,
        name,
        level,
        changePct,
      })),
      leaders: (league?.rows ?? [])
        .slice(0, 4)
        .map((r) => ({ position: r.position, club: r.club.name, points: r.points })),
    }
  },
})
