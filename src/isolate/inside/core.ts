/**
 * `@nanoweb/core` as an untrusted service sees it inside its isolate: only the pure parts of
 * `define/` (no runtime, no I/O). The isolate bundler aliases the package name to this module.
 *
 * @example
 * import { service, html } from '@nanoweb/core' // inside an isolate, resolves here
 */
export { toMs } from '../../define/duration.ts'
export { ERROR_STATUS, isNanoError, NanoError } from '../../define/errors.ts'
export { fragment, isFragment } from '../../define/fragment.ts'
export { escapeHtml, Html, html, isHtml, raw } from '../../define/html.ts'
export { toJsonSchema } from '../../define/schema.ts'
export { isServiceDefinition, service } from '../../define/service.ts'
