import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { clock, DEMO_FLAGS, demoEffects, longDate } from '../_lib/fragments.ts'

export default fragment({
  description: 'The red masthead: logo, today’s date, when the site was last updated, and a search link',
  input: z.object({ ...DEMO_FLAGS }),
  uses: ['news/sections'],
  css: 'masthead.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render(flags, ctx) {
    await demoEffects('fragments/masthead', flags, ctx)
    const { sections } = await ctx.call('news/sections', {})
    const updated = sections
      .map((s) => s.updated)
      .filter((u) => u !== null)
      .sort()
      .at(-1)
    return html`<header class="masthead" data-fragment="fragments/masthead">
  <div class="masthead__inner">
    <a class="masthead__logo" href="/" aria-label="Nano News home">
      <span class="masthead__block">N</span><span class="masthead__block">A</span><span class="masthead__block">N</span><span class="masthead__block">O</span>
      <span class="masthead__word">News</span>
    </a>
    <p class="masthead__meta">
      <span class="masthead__date">${longDate(Date.now())}</span>
      ${updated === undefined ? null : html`<span class="masthead__updated">Updated <time datetime="${updated}">${clock(updated)}</time></span>`}
    </p>
    <a class="masthead__search" href="/search">Search</a>
  </div>
</header>`
  },
})
