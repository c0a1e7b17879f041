import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { conditionLabel, DEMO_FLAGS, demoEffects, formatNumber, weatherIcon } from '../_lib/fragments.ts'

export default fragment({
  description: 'The next days’ weather in a city (1–7 days, 5 when not given)',
  input: z.object({ city: z.string().min(1).max(80), days: z.number().int().min(1).max(7).optional(), ...DEMO_FLAGS }),
  uses: ['weather/forecast'],
  css: 'weather.css',
  cache: { ttl: '5m', staleWhileRevalidate: '1h' },
  async render({ city, days = 5, ...flags }, ctx) {
    await demoEffects('fragments/forecast', flags, ctx)
    const f = await ctx.call('weather/forecast', { city, days })
    return html`<section class="forecast" data-fragment="fragments/forecast" data-city="${f.city}">
  <h2 class="forecast__heading">${f.city}: next ${f.days.length} days</h2>
  <ol class="forecast__days">
    ${f.days.map(
      (
        d,
        i,
      ) => html`<li class="forecast__day" title="${conditionLabel(d.condition)}, ${d.rainChancePct}% chance of rain">
      <span class="forecast__weekday">${i === 0 ? 'Today' : d.weekday.slice(0, 3)}</span>
      <span class="forecast__icon" aria-hidden="true">${weatherIcon(d.condition)}</span>
      <span class="forecast__max">${formatNumber(d.maxC)}°</span>
      <span class="forecast__min">${formatNumber(d.minC)}°</span>
      <span class="forecast__rain">${d.rainChancePct}%</span>
    </li>`,
    )}
  </ol>
</section>`
  },
})
