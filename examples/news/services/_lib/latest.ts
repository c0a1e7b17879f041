import { z } from 'zod'
import { stories } from './news.ts'

/**
 * The "latest" ticker's items: an in-process list, newest first, seeded with the newest stories
 * and grown by `news/publish-latest`. It lives in this module, so it is lost on restart and is
 * not shared between processes.
 */

/** One ticker item: a headline, when it was published, and the story it links to (if any). */
export const LatestItem = z.object({
  id: z.string(),
  headline: z.string(),
  at: z.string(),
  story: z.string().nullable(),
})

export type LatestItemRecord = z.output<typeof LatestItem>

/** How many items are kept; older ones drop off the end. */
const KEEP = 50
/** How many stories seed the list. */
const SEED = 5

let items: readonly LatestItemRecord[] = Object.freeze(
  stories
    .slice(0, SEED)
    .map((s) => Object.freeze({ id: `story-${s.id}`, headline: s.title, at: s.published, story: s.id })),
)
let published = 0

/** The newest `limit` items, newest first. */
export function latestItems(limit: number): readonly LatestItemRecord[] {
  return items.slice(0, limit)
}

/** Puts a new item at the top of the list and returns it. */
export function addLatest(headline: string, at: number = Date.now()): LatestItemRecord {
  published += 1
  const item = Object.freeze({
    id: `flash-${at.toString(36)}-${published}`,
    headline,
    at: new Date(at).toISOString(),
    story: null,
  })
  items = Object.freeze([item, ...items].slice(0, KEEP))
  return item
}
