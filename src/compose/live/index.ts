/**
 * Live fragments: {@link LiveHub} keeps fragment instances current in open pages; the framing
 * of changes for the wire is the http side's (`src/http/sse.ts`).
 */
export { LiveHub } from './hub.ts'
export {
  instanceId,
  type LiveChange,
  type LiveFormat,
  type LiveInstance,
  type LiveStream,
  type Viewer,
} from './instance.ts'
export type { LiveHubInit, LiveOptions, LiveSeed, LiveShown, LiveStats } from './options.ts'
