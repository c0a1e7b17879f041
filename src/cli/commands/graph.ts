import { join } from 'node:path'
import { AssetRegistry } from '../../compose/assets.ts'
import { PageIndex } from '../../compose/pages.ts'
import { closest } from '../../define/did-you-mean.ts'
import { isNanoError, NanoError } from '../../define/errors.ts'
import { buildGraph, type CallGraph } from '../../http/graph/model.ts'
import { pageLinks } from '../../http/graph/pages.ts'
import { NANO_URLS } from '../../http/urls.ts'
import { createRuntime } from '../../runtime/runtime.ts'
import { GRAPH_FORMATS, type GraphFormat, graphText } from '../graph-text.ts'
import { EXIT, fail } from '../output.ts'

/**
 * `nanoweb graph [root]`: the call graph as Mermaid (default), Graphviz dot or JSON. From the
 * project's files, the declared graph (services' `uses`, pages' fragments and `uses`); with
 * `--url`, the graph a running server serves at `/_nano/graph` (declared and observed edges).
 * Exit 1 when a service does not load (the graph is still printed) or the server cannot be read,
 * 2 for an unknown format.
 *
 * @example
 * await graphCommand('examples/news', { format: 'dot' })
 * await graphCommand('.', { format: 'mermaid', url: 'http://localhost:3000' })
 */
export async function graphCommand(root: string, options: { format?: string; url?: string }): Promise<void> {
  const format = options.format ?? 'mermaid'
  if (!isFormat(format)) {
    const near = closest(format, GRAPH_FORMATS)
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`
    fail(
      new NanoError('NANO_E_BAD_REQUEST', `Unknown format '${format}'${hint}: use one of ${GRAPH_FORMATS.join(', ')}`),
      EXIT.USAGE,
    )
    return
  }
  try {
    const graph = options.url === undefined ? await local(root) : await remote(options.url)
    process.stdout.write(graphText(graph, format))
  } catch (error) {
    fail(error)
  }
}

function isFormat(format: string): format is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(format)
}

async function local(root: string): Promise<CallGraph> {
  const rt = createRuntime({ root, logger: false })
  try {
    const assets = new AssetRegistry({ servicesDir: join(rt.root, 'services'), urlPrefix: NANO_URLS.assets })
    const pages = new PageIndex({ root: rt.root, caller: rt, assets })
    const [services, broken, links] = await Promise.all([rt.catalog(), rt.broken(), pageLinks(pages)])
    for (const b of broken) process.stderr.write(`✗ ${b.name}: ${b.error.code}: ${b.error.message}\n`)
    if (broken.length > 0) process.exitCode = EXIT.FAILED
    return buildGraph({ services, pages: links })
  } finally {
    await rt.close()
  }
}

async function remote(url: string): Promise<CallGraph> {
  const target = `${url.replace(/\/+$/, '')}${NANO_URLS.graph}`
  const response = await fetch(target, { headers: { accept: 'application/json' } }).catch((cause: unknown) => {
    const reason = (cause as { cause?: { message?: string } }).cause?.message ?? (cause as Error).message
    throw new NanoError('NANO_E_UNAVAILABLE', `Cannot reach ${target}: ${reason}. Is the server running?`, { cause })
  })
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | CallGraph | undefined
  if (!response.ok) {
    const served = body !== undefined && 'error' in body ? NanoError.fromJSON(body.error) : undefined
    const why = served === undefined ? '' : `: ${served.message}`
    const code = served !== undefined && isNanoError(served) ? served.code : 'NANO_E_UNAVAILABLE'
    throw new NanoError(code, `${target} answered ${response.status}${why}`)
  }
  if (body === undefined || !('nodes' in body) || !Array.isArray(body.nodes)) {
    throw new NanoError('NANO_E_UNAVAILABLE', `${target} did not answer a call graph: is it a nanoweb server?`)
  }
  return body
}
