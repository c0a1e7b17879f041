import { service } from '@nanoweb/core'
import { z } from 'zod'
import { addLatest, LatestItem } from '../_lib/latest.ts'

export default service({
  description: 'Puts a headline at the top of the "latest" ticker and publishes it on \'news/latest\'',
  idempotent: false,
  input: z.object({ headline: z.string().min(1).max(140) }),
  output: LatestItem,
  run({ headline }, ctx) {
    const item = addLatest(headline)
    ctx.publish('news/latest', item)
    return item
  },
})
