/** Moved to `./live/index.ts`; this re-export stays until every import names the folder. */
export * from './live/index.ts'
