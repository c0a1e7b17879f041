import { service } from 'nanoweb'
import { z } from 'zod'

export default service({
  description: 'Coordinates of a city',
  visibility: 'internal',
  input: z.object({ city: z.string().min(1) }),
  output: z.object({ lat: z.number(), lon: z.number() }),
  run: ({ city }) => ({ lat: city.length * 3.1, lon: -1.5 }),
})
