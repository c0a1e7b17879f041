import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects, sectionHref } from '../_lib/fragments.ts'

export default fragment({
  description: 'The page footer: every section with its story count, and what this site is',
  input: z.object({ ...DEMO_FLAGS }),
  uses: ['news/sections'],
  css: 'footer.css',
  cache: { ttl: '5m', staleWhileRevalidate: '1h' },
  async render(flags, ctx) {
    await demoEffects('fragments/footer', flags, ctx)
    const { sections } = await ctx.call('news/sections', {})
    const stories = sections.reduce((sum, s) => sum + s.storyCount, 0)
    return html`<footer class="site-footer" data-fragment="fragments/footer">
  <div class="site-footer__inner">
    <a class="site-footer__logo" href="/">NANO <span>News</span></a>
    <ul class="site-footer__sections">
      ${sections.map((s) => html`<li><a href="${sectionHref(s.id)}">${s.title}</a> <span class="site-footer__count">${s.storyCount}</span></li>`)}
    </ul>
    <p class="site-footer__note">A demo of <strong>nanoweb</strong>: every box on this page is a fragment, a nanoservice of its own, composed and streamed by the runtime. ${stories} fictional stories; weather, markets, football and traffic are simulated.</p>
    <p class="site-footer__links"><a href="/_nano/catalog">Service catalog</a> · <a href="/_nano/openapi.json">OpenAPI</a></p>
  </div>
</footer>`
  },
})
