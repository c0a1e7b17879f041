/**
 * `@nanoweb/core/testing`: a runtime for tests, with fakes, recorded calls, and fragments and
 * pages rendered to strings (see docs/testing.md).
 *
 * @example
 * import { testRuntime } from '@nanoweb/core/testing'
 * await using rt = await testRuntime({ root, fakes: { 'geo/lookup': () => ({ lat: 1, lon: 2 }) } })
 */
export type { RecordedCall } from './call-log.ts'
export type { Fake, FakeOf, Fakes } from './faking-executor.ts'
export { TestRuntime, type TestRuntimeOptions, testRuntime } from './test-runtime.ts'
