import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { DEMO_FLAGS, demoEffects } from '../_lib/fragments.ts'

const CHANNELS = ['one', 'two', 'news'] as const

export default fragment({
  description: 'What is on TV now and next on each channel (UK time)',
  input: z.object({ ...DEMO_FLAGS }),
  uses: ['tv/schedule'],
  css: 'tv-now.css',
  cache: { ttl: '1m', staleWhileRevalidate: '10m' },
  async render(flags, ctx) {
    await demoEffects('fragments/tv-now', flags, ctx)
    const guides = await Promise.all(CHANNELS.map((channel) => ctx.call('tv/schedule', { channel })))
    return html`<section class="tv-now" data-fragment="fragments/tv-now">
  <h2 class="tv-now__heading">On TV now</h2>
  <ul class="tv-now__channels">
    ${guides.map((g) => {
      // Before the day's first slot, the last programme of the night before is still on.
      const found = g.programmes.findIndex((p) => p.onNow)
      const i = found === -1 ? g.programmes.length - 1 : found
      const now = g.programmes[i]
      const next = g.programmes[(i + 1) % g.programmes.length]
      return html`<li class="tv-now__channel" data-channel="${g.channel}">
      <span class="tv-now__name">${g.name}</span>
      ${
        now === undefined
          ? html`<span class="tv-now__now">Off air</span>`
          : html`<span class="tv-now__now"><time>${now.start}</time> ${now.title}</span>`
      }
      ${now === undefined || next === undefined ? null : html`<span class="tv-now__next">Next: <time>${next.start}</time> ${next.title}</span>`}
    </li>`
    })}
  </ul>
</section>`
  },
})
