import type { z } from 'zod'

/**
 * The output type of a service definition. `ctx.call` returns `unknown` until `generateTypes` has
 * written `nanoweb-env.d.ts`; callers here name the type instead: `as Out<typeof headlines>`.
 */
export type Out<D extends { readonly output: z.ZodType }> = z.output<D['output']>
