import { service } from '@nanoweb/core'
import { z } from 'zod'
import { LatestItem, latestItems } from '../_lib/latest.ts'

export default service({
  description: 'The newest items of the "latest" ticker, newest first; `limit` 1–20 (3)',
  idempotent: true,
  input: z.object({ limit: z.number().int().min(1).max(20).optional() }),
  output: z.object({ items: z.array(LatestItem) }),
  run({ limit = 3 }) {
    return { items: [...latestItems(limit)] }
  },
})
