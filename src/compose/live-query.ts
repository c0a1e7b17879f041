import { escapeHtml } from '../define/html.ts'
import type { PagePlan } from './plan.ts'
import type { LiveUrls } from './render-types.ts'

/** The last live script attributes made for each page, and the ids they name. */
const liveQueries = new WeakMap<
  PagePlan,
  { readonly ids: readonly string[]; readonly stream: string; readonly attributes: string }
>()

/**
 * The attributes of a page's live script for a render's live ids, escaped, up to the `since`
 * that follows them: `src="<script>" data-src="<stream>?f=<id>&amp;f=<id>…&amp;since=`. Made
 * again only when the ids differ from the last ones made for the same page (an event id, which
 * is all `since` holds, needs no escaping).
 *
 * @example
 * liveScriptAttributes(plan, ['a1', 'b2'], urls) // 'src="/_nano/live.js" data-src="/_nano/live?f=a1&amp;f=b2&amp;since='
 */
export function liveScriptAttributes(plan: PagePlan, ids: readonly string[], urls: LiveUrls): string {
  const last = liveQueries.get(plan)
  if (last?.stream === urls.stream && last.ids.length === ids.length && last.ids.every((id, i) => id === ids[i])) {
    return last.attributes
  }
  const query = `${urls.stream}?${[...new Set(ids)].map((id) => `f=${encodeURIComponent(id)}`).join('&')}&since=`
  const attributes = `src="${escapeHtml(urls.script)}" data-src="${escapeHtml(query)}`
  liveQueries.set(plan, { ids: [...ids], stream: urls.stream, attributes })
  return attributes
}
