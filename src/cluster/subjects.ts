/**
 * NATS subjects of nanoweb. A service `geo/lookup` is served on `nano.svc.geo.lookup`: service
 * names are `/`-separated segments of `[a-z0-9_-]` (the registry allows nothing else), so mapping
 * `/` to `.` is one-to-one and never yields a wildcard. Topics are free text: a topic becomes one
 * subject token, `nano.topic.<token>`, with every character outside `[A-Za-z0-9_-]` written as
 * `~` and two hex digits per UTF-8 byte (`sport/scores` → `nano.topic.sport~2Fscores`; the empty
 * topic is `~`).
 *
 * @example
 * serviceSubject('geo/lookup') // 'nano.svc.geo.lookup'
 */
export const SUBJECTS = Object.freeze({
  /** Prefix of service subjects. */
  service: 'nano.svc.',
  /** Prefix of topic subjects. */
  topic: 'nano.topic.',
  /** Where nodes announce the services they run (`{ node, names }`). */
  announce: 'nano.announce',
  /** Prefix of the subject where a node says which of the given call ids it is running (`nano.held.<node>`). */
  held: 'nano.held.',
  /** The queue group of service subscriptions: nodes serving one service share its calls. */
  queue: 'nano',
})

const SEGMENT = /^[a-z0-9][a-z0-9_-]*$/

/**
 * The subject of a service, or undefined for a name that is not a valid service name.
 *
 * @example
 * serviceSubject('geo/lookup') // 'nano.svc.geo.lookup'
 * serviceSubject('no such.name') // undefined
 */
export function serviceSubject(name: string): string | undefined {
  const segments = name.split('/')
  if (!segments.every((segment) => SEGMENT.test(segment))) return undefined
  return SUBJECTS.service + segments.join('.')
}

const SAFE = /^[A-Za-z0-9_-]$/
const encoder = new TextEncoder()

/**
 * The subject of a topic: one token, characters outside `[A-Za-z0-9_-]` escaped as `~XX`.
 *
 * @example
 * topicSubject('sport/scores') // 'nano.topic.sport~2Fscores'
 */
export function topicSubject(topic: string): string {
  if (topic === '') return `${SUBJECTS.topic}~`
  let token = ''
  for (const char of topic) {
    if (SAFE.test(char)) token += char
    else for (const byte of encoder.encode(char)) token += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return SUBJECTS.topic + token
}
