import { type CallOutput, fragment, type Html, html } from '@nanoweb/core'
import { z } from 'zod'
import { clock, DEMO_FLAGS, demoEffects, storyHref } from '../_lib/fragments.ts'

type Item = CallOutput<'news/latest'>['items'][number]

export default fragment({
  description: 'The "latest" ticker: the newest 3 items, pushed to open pages when news/publish-latest adds one',
  input: z.object(DEMO_FLAGS),
  uses: ['news/latest'],
  css: 'latest-ticker.css',
  live: { on: 'news/latest' },
  async render(flags, ctx) {
    await demoEffects('fragments/latest-ticker', flags, ctx)
    const { items } = await ctx.call('news/latest', { limit: 3 })
    return html`<section class="latest-ticker" data-fragment="fragments/latest-ticker" aria-labelledby="latest-ticker-label">
  <div class="latest-ticker__inner">
    <h2 id="latest-ticker-label" class="latest-ticker__label">Latest</h2>
    <ol class="latest-ticker__items">
      ${items.map(row)}
    </ol>
  </div>
</section>`
  },
})

function row(item: Item): Html {
  const text = item.story === null ? item.headline : html`<a href="${storyHref(item.story)}">${item.headline}</a>`
  return html`<li class="latest-ticker__item" data-item="${item.id}"><time class="latest-ticker__time" datetime="${item.at}">${clock(item.at)}</time> <span class="latest-ticker__headline">${text}</span></li>`
}
