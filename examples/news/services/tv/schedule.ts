import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { readData } from '../_lib/data.ts'
import { addDays, isoDay, localTime } from '../_lib/dates.ts'
import { pick, seeded } from '../_lib/random.ts'

const Channel = z.enum(['one', 'two', 'news'])
const TIME_ZONE = 'Europe/London'
const guide = readData(
  'tv',
  z.object({
    channels: z.array(
      z.object({
        id: Channel,
        name: z.string(),
        slots: z.array(z.object({ start: z.string(), titles: z.array(z.string()).min(1) })).min(1),
      }),
    ),
  }),
)

export default service({
  description: "A TV channel's schedule for today or up to six days ahead (UK time), with what is on now",
  idempotent: true,
  cache: { ttl: '1m', staleWhileRevalidate: '10m' },
  input: z.object({ channel: Channel, daysAhead: z.number().int().min(0).max(6).optional() }),
  output: z.object({
    channel: Channel,
    name: z.string(),
    date: z.string(),
    programmes: z.array(z.object({ start: z.string(), end: z.string(), title: z.string(), onNow: z.boolean() })),
  }),
  run({ channel, daysAhead = 0 }) {
    const found = guide.channels.find((c) => c.id === channel)
    if (found === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No schedule for channel '${channel}'`)
    const now = Date.now()
    const date = addDays(isoDay(now, TIME_ZONE), daysAhead)
    const r = seeded(`${channel}:${date}`)
    const slots = found.slots
    const clock = localTime(now, TIME_ZONE)
    const current = daysAhead === 0 ? slots.findLastIndex((s) => s.start <= clock) : -1
    const programmes = slots.map((slot, i) => ({
      start: slot.start,
      end: slots[(i + 1) % slots.length]?.start ?? slot.start,
      title: pick(slot.titles, r),
      onNow: i === current,
    }))
    return { channel, name: found.name, date, programmes }
  },
})
