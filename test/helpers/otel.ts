import { context, propagation, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'

/**
 * Registers a real OpenTelemetry SDK for this test process (NodeTracerProvider with its
 * AsyncLocalStorage context manager) exporting to memory; `dispose()` shuts it down and
 * unregisters everything the API holds, so a later registration starts clean.
 *
 * @example
 * const otel = inMemoryTracing()
 * after(() => otel.dispose())
 * otel.exporter.getFinishedSpans()
 */
export function inMemoryTracing(): {
  exporter: InMemorySpanExporter
  provider: NodeTracerProvider
  dispose: () => Promise<void>
} {
  const exporter = new InMemorySpanExporter()
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  provider.register()
  return {
    exporter,
    provider,
    dispose: async () => {
      await provider.shutdown()
      trace.disable()
      context.disable()
      propagation.disable()
    },
  }
}
