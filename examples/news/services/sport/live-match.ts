import { service } from '@nanoweb/core'
import { z } from 'zod'
import { LiveMatch, liveMatch } from '../_lib/live-match.ts'

export default service({
  description:
    'The simulated live cup match: its clock runs from process start (NEWS_MATCH_SECONDS_PER_MINUTE, default 2 s per minute), with scripted goals and those added by sport/goal',
  idempotent: true,
  input: z.object({}),
  output: LiveMatch,
  run() {
    return liveMatch()
  },
})
