import type { CatalogEntry } from '../../registry/catalog.ts'
import { type Finding, finding } from './findings.ts'

/**
 * One `uses-cycle` finding per cycle of services that use each other (each strongly connected
 * part of the `uses` graph, and each service that uses itself), naming one cycle through it:
 * `a → b → c → a`.
 *
 * @example
 * cycleFindings([{ name: 'a', uses: ['b'], file: 'services/a.ts' }, { name: 'b', uses: ['a'], file: 'services/b.ts' }]) // a → b → a
 */
export function cycleFindings(catalog: readonly Pick<CatalogEntry, 'name' | 'uses' | 'file'>[]): Finding[] {
  const edges = new Map(catalog.map((entry) => [entry.name, entry.uses.filter((u) => u !== entry.name)]))
  const files = new Map(catalog.map((entry) => [entry.name, entry.file]))
  const findings: Finding[] = []
  for (const entry of catalog) {
    if (entry.uses.includes(entry.name)) {
      findings.push(finding('uses-cycle', `${entry.name} uses itself`, { service: entry.name, file: entry.file }))
    }
  }
  for (const part of stronglyConnected(edges)) {
    if (part.length < 2) continue
    const members = new Set(part)
    const start = [...part].sort()[0] as string
    const path = cycleThrough(start, members, edges)
    findings.push(
      finding('uses-cycle', `services use each other in a cycle: ${[...path, start].join(' → ')}`, {
        service: start,
        file: files.get(start) as string,
      }),
    )
  }
  return findings
}

/** Tarjan's algorithm, iterative: the strongly connected parts of a graph. */
function stronglyConnected(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const parts: string[][] = []
  let next = 0
  for (const root of edges.keys()) {
    if (index.has(root)) continue
    const work: { node: string; at: number }[] = [{ node: root, at: 0 }]
    index.set(root, next)
    low.set(root, next++)
    stack.push(root)
    onStack.add(root)
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; at: number }
      const targets = (edges.get(frame.node) ?? []).filter((t) => edges.has(t))
      if (frame.at < targets.length) {
        const target = targets[frame.at++] as string
        if (!index.has(target)) {
          index.set(target, next)
          low.set(target, next++)
          stack.push(target)
          onStack.add(target)
          work.push({ node: target, at: 0 })
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent !== undefined) {
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number))
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const part: string[] = []
        let member: string
        do {
          member = stack.pop() as string
          onStack.delete(member)
          part.push(member)
        } while (member !== frame.node)
        parts.push(part)
      }
    }
  }
  return parts
}

/** A shortest path from `start` back to itself inside `members` (breadth first), without the return. */
function cycleThrough(
  start: string,
  members: ReadonlySet<string>,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] {
  const previous = new Map<string, string>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string
    for (const target of edges.get(node) ?? []) {
      if (!members.has(target)) continue
      if (target === start) {
        const path = [node]
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string)
        return path
      }
      if (previous.has(target)) continue
      previous.set(target, node)
      queue.push(target)
    }
  }
  return [start]
}
