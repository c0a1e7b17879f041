import { NanoError, service } from '@nanoweb/core'
import { z } from 'zod'
import { addGoal, LiveGoal, LiveMatch } from '../_lib/live-match.ts'

export default service({
  description: "Scores a goal for `team` in the simulated live match and publishes it on 'scores'",
  idempotent: false,
  input: z.object({ team: z.enum(['home', 'away']) }),
  output: z.object({ goal: LiveGoal, match: LiveMatch }),
  run({ team }, ctx) {
    const scored = addGoal(team)
    if (scored === undefined) {
      throw new NanoError('NANO_E_BAD_REQUEST', 'The ball is not in play (half-time or full time): try again shortly')
    }
    const { goal, match } = scored
    ctx.publish('scores', {
      match: match.match,
      side: goal.side,
      minute: goal.minute,
      scorer: goal.scorer,
      homeGoals: match.homeGoals,
      awayGoals: match.awayGoals,
    })
    return scored
  },
})
