import { stringify } from 'safe-stable-stringify'
import type { LivePolicy } from '../../define/fragment.ts'

/** `JSON.parse` as it was when nanoweb loaded: a service that replaces it changes no request. */
const fromJson = JSON.parse

/**
 * One open event stream, as the hub sees it.
 *
 * @example
 * const stream: LiveStream = { write: (s) => res.write(s), buffered: () => res.writableLength, drop: () => res.destroy() }
 */
export interface LiveStream {
  write(chunk: string): void
  /** Bytes written but not yet sent to the client. */
  buffered(): number
  /** Closes the connection at once (a client too slow to keep up). */
  drop(): void
}

/**
 * A live fragment instance (a fragment and one input), opaque outside the hub: what
 * `hub.resolve` and `hub.admit` give and `hub.attach` takes.
 *
 * @example
 * const instances = hub.admit(await hub.resolve([id]))
 */
export interface LiveInstance {
  readonly id: string
}

/**
 * A change of an instance's HTML, numbered in this process's sequence.
 *
 * @example
 * const change: LiveChange = { id: 'sport/score-box~eyJtYXRjaCI6InI3In0', seq: 12, html: '<b>1-0</b>' }
 */
export interface LiveChange {
  readonly id: string
  readonly seq: number
  readonly html: string
}

/**
 * Frames a change for the wire, once per change: the hub writes the result to every viewer
 * (the http side passes the Server-Sent Events framing). `eventId` is `<boot>-<seq>`.
 *
 * @example
 * const format: LiveFormat = (change, eventId) => `${eventId} ${change.html}\n`
 */
export type LiveFormat = (change: LiveChange, eventId: string) => string

/** What is known of an instance before it is stored: a public live fragment and a valid input. */
export interface LiveClaim extends LiveInstance {
  readonly name: string
  /** The validated input: the instance id is made from it. */
  readonly input: unknown
  readonly policy: LivePolicy
  /** The fragment's own timeout in ms, if it has one. */
  readonly timeoutMs: number | undefined
}

/** A stored instance. */
export interface Instance extends LiveClaim {
  html: string | undefined
  seq: number
  /** The framed event of the last change, written as it is to every viewer; '' before any. */
  event: string
  readonly viewers: Set<Viewer>
  stop: (() => void) | undefined
  rendering: boolean
  /** The clock timer of the deadline of the render under way. */
  guard: unknown
  dirty: boolean
  /** Numbers renders, so that the answer of one given up on is ignored. */
  attempt: number
  renders: number
  /** The last render failed (or was given up on): the HTML held may be out of date. */
  failed: boolean
  /** When the instance last lost its last viewer (or was stored without one); undefined while watched. */
  idleSince: number | undefined
}

/**
 * A subscription: one stream watching some fragment instances.
 *
 * @example
 * const viewer = hub.attach(stream, hub.admit(await hub.resolve(ids)), undefined)
 * hub.close(viewer)
 */
export interface Viewer {
  readonly stream: LiveStream
  readonly instances: Instance[]
  closed: boolean
}

/**
 * The id of a fragment instance: its name and canonical input (stable key order), readable by
 * any server.
 *
 * @example
 * instanceId('sport/score-box', { match: 'r7' }) // 'sport/score-box~eyJtYXRjaCI6InI3In0'
 */
export function instanceId(name: string, input: unknown): string {
  return `${name}~${Buffer.from(stringify(input) ?? 'null').toString('base64url')}`
}

/**
 * The fragment name and input an instance id names, or undefined when it is not one.
 *
 * @example
 * readInstanceId('sport/score-box~eyJtYXRjaCI6InI3In0') // { name: 'sport/score-box', input: { match: 'r7' } }
 */
export function readInstanceId(id: string): { name: string; input: unknown } | undefined {
  const tilde = id.indexOf('~')
  if (tilde <= 0) return undefined
  try {
    return {
      name: id.slice(0, tilde),
      input: fromJson(Buffer.from(id.slice(tilde + 1), 'base64url').toString('utf8')),
    }
  } catch {
    return undefined
  }
}

/**
 * A new stored instance for `claim`, with the HTML a page just showed (or none yet).
 *
 * @example
 * const instance = newInstance(claim, undefined)
 */
export function newInstance(claim: LiveClaim, html: string | undefined): Instance {
  const { id, name, input, policy, timeoutMs } = claim
  return {
    id,
    name,
    input,
    policy,
    timeoutMs,
    html,
    seq: 0,
    event: '',
    viewers: new Set(),
    stop: undefined,
    rendering: false,
    guard: undefined,
    dirty: false,
    attempt: 0,
    renders: 0,
    failed: false,
    idleSince: undefined,
  }
}
