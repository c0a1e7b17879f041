import type { PromText } from './text.ts'

/**
 * Writes this process's own figures under prom-client's default names (so existing dashboards
 * read them): CPU seconds, resident memory, start time, V8 heap and external memory, event-loop
 * utilisation. Read synchronously at each scrape (prom-client's registry is asynchronous, and
 * `rt.metrics()` is not).
 *
 * @example
 * const out = new PromText('')
 * writeProcessMetrics(out, startSeconds)
 */
export function writeProcessMetrics(out: PromText, startSeconds: number): void {
  const cpu = process.cpuUsage()
  const user = cpu.user / 1e6
  const system = cpu.system / 1e6
  out.family('process_cpu_user_seconds_total', 'counter', 'User CPU time spent in seconds.')
  out.sample('process_cpu_user_seconds_total', '', user)
  out.family('process_cpu_system_seconds_total', 'counter', 'System CPU time spent in seconds.')
  out.sample('process_cpu_system_seconds_total', '', system)
  out.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.')
  out.sample('process_cpu_seconds_total', '', user + system)
  const memory = process.memoryUsage()
  out.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.')
  out.sample('process_resident_memory_bytes', '', memory.rss)
  out.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.')
  out.sample('process_start_time_seconds', '', startSeconds)
  out.family('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.')
  out.sample('nodejs_heap_size_total_bytes', '', memory.heapTotal)
  out.family('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.')
  out.sample('nodejs_heap_size_used_bytes', '', memory.heapUsed)
  out.family('nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.')
  out.sample('nodejs_external_memory_bytes', '', memory.external)
  out.family('nodejs_eventloop_utilization_ratio', 'gauge', 'Share of time the event loop was busy since start.')
  out.sample('nodejs_eventloop_utilization_ratio', '', performance.eventLoopUtilization().utilization)
}
