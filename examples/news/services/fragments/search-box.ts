import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionLabel, storyHref } from '../_lib/fragments.ts'

/** Shortest query worth searching for, in characters (code points, as `news/search` counts them). */
const MIN_QUERY = 2

export default fragment({
  description: 'The search form; with a query `q` of two characters or more, also the best matches',
  input: z.object({
    q: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(20).optional(),
    ...DEMO_FLAGS,
  }),
  uses: ['news/search'],
  css: 'search-box.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ q = '', limit = 5, ...flags }, ctx) {
    await demoEffects('fragments/search-box', flags, ctx)
    const query = q.trim()
    const found = [...query].length >= MIN_QUERY ? await ctx.call('news/search', { query, limit }) : undefined
    return html`<section class="search-box" data-fragment="fragments/search-box" role="search">
  <form class="search-box__form" action="/search" method="get">
    <label class="search-box__label" for="search-box-q">Search Nano News</label>
    <input class="search-box__input" id="search-box-q" name="q" type="search" value="${query}" placeholder="Search news, sport, weather…" minlength="${MIN_QUERY}" maxlength="100">
    <button class="search-box__button" type="submit">Search</button>
  </form>
  ${
    found === undefined
      ? null
      : html`<div class="search-box__results">
    <p class="search-box__count">${found.total === 0 ? html`No results for <q>${found.query}</q>` : html`${found.total} result${found.total === 1 ? '' : 's'} for <q>${found.query}</q>`}</p>
    <ol class="search-box__items">
      ${found.results.map(
        (r) => html`<li class="search-box__item">
        <a href="${storyHref(r.id)}">${r.title}</a>
        <span class="search-box__section">${sectionLabel(r.section)}</span>
        <p class="search-box__summary">${r.summary}</p>
      </li>`,
      )}
    </ol>
  </div>`
  }
</section>`
  },
})
