import type { PageIndex } from '../../compose/pages.ts'
import type { PageLinks } from './model.ts'

/**
 * What each page links to, from its compiled plan (each page is compiled once; a page that does
 * not compile is listed with no links, its error logged by the index).
 *
 * @example
 * const pages = await pageLinks(app.pages) // [{ route: '/', fragments: ['news/top'], uses: [] }]
 */
export async function pageLinks(pages: PageIndex): Promise<PageLinks[]> {
  return Promise.all(
    pages.entries().map(async (entry): Promise<PageLinks> => {
      const compiled = await pages.compile(entry).catch(() => undefined)
      return {
        route: entry.route,
        fragments: [...new Set(compiled?.plan.slots.map((slot) => slot.spec.src) ?? [])],
        uses: compiled?.definition?.uses ?? [],
      }
    }),
  )
}
