import type { PagePlan } from './plan.ts'
import type { LiveUrls } from './render-types.ts'

/** The last live stream URL (without `since`) made for each page, and the ids it names. */
const liveQueries = new WeakMap<
  PagePlan,
  { readonly ids: readonly string[]; readonly stream: string; readonly url: string }
>()

/**
 * `<stream>?f=<id>&f=<id>…` for a render's live ids (without `since`), made again only when they
 * differ from the last ones made for the same page.
 *
 * @example
 * liveQueryOf(plan, ['a1', 'b2'], urls) // '/_nano/live?f=a1&f=b2'
 */
export function liveQueryOf(plan: PagePlan, ids: readonly string[], urls: LiveUrls): string {
  const last = liveQueries.get(plan)
  if (last?.stream === urls.stream && last.ids.length === ids.length && last.ids.every((id, i) => id === ids[i])) {
    return last.url
  }
  const url = `${urls.stream}?${[...new Set(ids)].map((id) => `f=${encodeURIComponent(id)}`).join('&')}`
  liveQueries.set(plan, { ids: [...ids], stream: urls.stream, url })
  return url
}
