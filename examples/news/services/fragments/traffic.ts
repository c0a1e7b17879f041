import { type CallOutput, fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { clock, DEMO_FLAGS, demoEffects, isNotFound } from '../_lib/fragments.ts'

export default fragment({
  description: 'Traffic on a UK city’s main roads: overall level and incidents with their delays',
  input: z.object({
    city: z.string().min(1).max(80),
    limit: z.number().int().min(1).max(10).optional(),
    ...DEMO_FLAGS,
  }),
  uses: ['traffic/status'],
  css: 'traffic.css',
  cache: { ttl: '1m', staleWhileRevalidate: '10m' },
  async render({ city, limit = 4, ...flags }, ctx) {
    await demoEffects('fragments/traffic', flags, ctx)
    let t: CallOutput<'traffic/status'>
    try {
      t = await ctx.call('traffic/status', { city })
    } catch (error) {
      if (!isNotFound(error)) throw error
      return html`<section class="traffic" data-fragment="fragments/traffic" data-city="${city}">
  <h2 class="traffic__heading">Travel</h2>
  <p class="traffic__none">No traffic information for ${city}.</p>
</section>`
    }
    return html`<section class="traffic traffic--${t.level}" data-fragment="fragments/traffic" data-city="${t.city}">
  <h2 class="traffic__heading">Travel <span class="traffic__city">${t.city}</span></h2>
  <p class="traffic__level"><span class="traffic__badge">${t.level}</span> traffic · updated <time datetime="${t.updated}">${clock(t.updated)}</time></p>
  ${
    t.incidents.length === 0
      ? html`<p class="traffic__none">No reported incidents.</p>`
      : html`<ul class="traffic__incidents">
    ${t.incidents
      .slice(0, limit)
      .map(
        (i) =>
          html`<li class="traffic__incident"><strong class="traffic__road">${i.road}</strong> <span class="traffic__delay">+${i.delayMinutes} min</span><br>${i.description}</li>`,
      )}
  </ul>`
  }
</section>`
  },
})
