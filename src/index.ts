/**
 * nanoweb: a TypeScript runtime for nanoservices. One file per service, each its own endpoint,
 * discoverable, callable from the others, run on demand in one shared runtime.
 *
 * @example
 * import { createRuntime, service } from '@nanoweb/core'
 */

export type { NatsOptions } from './assembly/cluster-link.ts'
export { type AppRuntimeOptions, createRuntime, type IsolateOptions } from './assembly/create-runtime.ts'
export { type AppServerOptions, createServer } from './assembly/create-server.ts'
export { installProcessGuards, type ProcessGuardOptions } from './assembly/process-guards.ts'
export { defineConfig, type LogFormat, type NanowebConfig } from './cli/config.ts'
export { type Duration, toMs } from './define/duration.ts'
export {
  ERROR_STATUS,
  isNanoError,
  NanoError,
  type NanoErrorCode,
  type NanoErrorOptions,
  type SchemaIssue,
} from './define/errors.ts'
export {
  type FragmentDefinition,
  type FragmentSpec,
  fragment,
  isFragment,
  type LivePolicy,
  type VaryKey,
} from './define/fragment.ts'
export { escapeHtml, Html, html, isHtml, raw } from './define/html.ts'
export { isPageDefinition, type PageDefinition, type PageRequest, type PageSpec, page } from './define/page.ts'
export type { Access, Allow, Concurrency, Limits, RateLimit, SecurityPolicy, Trust, User } from './define/policy.ts'
export { type JsonSchema, toJsonSchema } from './define/schema.ts'
export { isServiceDefinition, type ServiceDefinition, type ServiceSpec, service } from './define/service.ts'
export type {
  CachePolicy,
  CallInput,
  CallOptions,
  CallOutput,
  Context,
  Logger,
  RequestContext,
  ServiceRegistry,
  Visibility,
} from './define/types.ts'
export type { AppOptions, GatewayApp, WarmMode } from './http/app.ts'
export type { AuthFunction, AuthOptions, AuthRequest, JwtOptions } from './http/auth/options.ts'
export type { CorsOptions } from './http/cors.ts'
export type { Exchange, MaybeReply, Reply, StreamSink } from './http/exchange.ts'
export type { TrustProxy } from './http/limits/client-address.ts'
export type { ConnectionLimits } from './http/limits/connections.ts'
export type { UserSource } from './http/request-context.ts'
export type { CspDirectives, SecurityOptions } from './http/security-headers.ts'
export type { LoopWatch, NanoServer, ServerOptions } from './http/server.ts'
export type { CatalogEntry } from './registry/catalog.ts'
export { isValidServiceName } from './registry/scan.ts'
export { generateTypes } from './registry/types-file.ts'
export type { BreakerOptions } from './runtime/breaker.ts'
export type { CacheEntry, CacheStore, MemoryCacheLimits } from './runtime/cache/store.ts'
export { MemoryCacheStore } from './runtime/cache/store.ts'
export { InProcessTransport } from './runtime/in-process-transport.ts'
export type { ServiceLogLevels } from './runtime/log-levels.ts'
export type { LogLevel, LogRecord, LogSink } from './runtime/logger.ts'
export { batchedWriter, foldRepeats, jsonLineSink } from './runtime/logger.ts'
export type {
  CacheResult,
  EdgeFigures,
  ObservedFigures,
  ObservedWork,
  Observer,
  ServiceFigures,
} from './runtime/observer.ts'
export {
  type BrokenService,
  type CallDescriptor,
  type Caller,
  type CallObserver,
  type CallScope,
  type Clock,
  type Executor,
  type InvokeOptions,
  type KeptHit,
  type ObservedCall,
  type RuntimeApi,
  type ServiceSource,
  type ServingNode,
  systemClock,
  type Transport,
} from './runtime/ports.ts'
export { type PrettyOptions, prettyLineSink } from './runtime/pretty-log.ts'
export type { Runtime, RuntimeOptions } from './runtime/runtime.ts'
export { LocalTopicBus, type TopicBus, type TopicListener } from './runtime/topics.ts'
