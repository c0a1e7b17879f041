import { fragment, html } from '@nanoweb/core'
import { z } from 'zod'
import { conditionLabel, DEMO_FLAGS, demoEffects, formatNumber, weatherIcon } from '../_lib/fragments.ts'

export default fragment({
  description: 'Current weather in a city: condition, temperature, feels-like, wind and humidity',
  input: z.object({ city: z.string().min(1).max(80), ...DEMO_FLAGS }),
  uses: ['weather/current'],
  css: 'weather.css',
  cache: { ttl: '30s', staleWhileRevalidate: '5m' },
  async render({ city, ...flags }, ctx) {
    await demoEffects('fragments/weather-box', flags, ctx)
    const w = await ctx.call('weather/current', { city })
    return html`<section class="weather-box weather-box--${w.condition}" data-fragment="fragments/weather-box" data-city="${w.city}">
  <h2 class="weather-box__heading">Weather <span class="weather-box__city">${w.city}</span></h2>
  <div class="weather-box__now">
    <span class="weather-box__icon" aria-hidden="true">${weatherIcon(w.condition)}</span>
    <span class="weather-box__temp">${formatNumber(w.tempC)}°C</span>
    <span class="weather-box__condition">${conditionLabel(w.condition)}</span>
  </div>
  <dl class="weather-box__details">
    <div><dt>Feels like</dt><dd>${formatNumber(w.feelsLikeC)}°C</dd></div>
    <div><dt>Wind</dt><dd>${w.windKph} km/h ${w.windDirection}</dd></div>
    <div><dt>Humidity</dt><dd>${w.humidityPct}%</dd></div>
  </dl>
  <p class="weather-box__country">${w.country}</p>
</section>`
  },
})
