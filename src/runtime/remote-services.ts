import { join } from 'node:path'
import { NanoError } from '../define/errors.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { CatalogEntry } from '../registry/catalog.ts'
import { notFound } from './not-found.ts'
import type { RemoteService, ServiceDescription, Transport } from './ports.ts'
import { remoteDefinition } from './remote-definition.ts'
import { JsonCheckerCompiler } from './validate/json-checker.ts'

/**
 * The services of a cluster that this runtime does not run, as the transport describes them:
 * definitions for the gateway and pages (made once per version), and the catalog's view of the
 * whole cluster.
 *
 * @example
 * const remote = new RemoteServices(transport, '/app')
 * const def = await remote.resolve('sport/score')
 */
export class RemoteServices {
  readonly #transport: Transport | undefined
  readonly #root: string
  readonly #known = new Map<string, { readonly description: ServiceDescription; readonly def: ServiceDefinition }>()
  #compiler: JsonCheckerCompiler | undefined

  readonly #definedHere: (name: string) => boolean

  /** `definedHere` tells a service of this app that no node runs (503) from a name nobody defined (404). */
  constructor(transport: Transport | undefined, root: string, definedHere: (name: string) => boolean) {
    this.#transport = transport
    this.#root = root
    this.#definedHere = definedHere
  }

  /** The definition of a remote service already described, or undefined. */
  loaded(name: string): ServiceDefinition | undefined {
    return this.#known.get(name)?.def
  }

  /**
   * The definition of a remote service; rejects with `NANO_E_UNAVAILABLE` when the app defines it
   * but no node runs it, `NANO_E_NOT_FOUND` when nobody defines it.
   */
  async resolve(name: string): Promise<ServiceDefinition> {
    const describe = this.#transport?.describe
    if (describe === undefined) throw notFound(name)
    await this.#transport?.ready?.()
    const found = await describe.call(this.#transport, name)
    if (found !== undefined) return this.#remember(found.description)
    if (this.#definedHere(name)) {
      throw new NanoError('NANO_E_UNAVAILABLE', `No node runs the service '${name}'`, { service: name })
    }
    throw notFound(name)
  }

  /** Where a remote service's file is in this node's copy of the app (for fragment assets). */
  fileOf(name: string): string | undefined {
    const known = this.#known.get(name)
    return known === undefined ? undefined : join(this.#root, known.description.file)
  }

  /** The transport's change count (0 without a transport). */
  changes(): number {
    return this.#transport?.changes?.() ?? 0
  }

  /** Waits until the transport knows the cluster; never rejects. */
  async ready(): Promise<void> {
    await this.#transport?.ready?.().catch(() => {})
  }

  /** This runtime's entries marked local, with every service only other nodes run added. */
  async catalog(local: readonly CatalogEntry[]): Promise<CatalogEntry[]> {
    const self = this.#transport?.node
    const remote: readonly RemoteService[] = (await this.#transport?.services?.().catch(() => [])) ?? []
    const nodesOf = new Map(remote.map((r) => [r.description.name, r.nodes]))
    const entries: CatalogEntry[] = local.map((entry) => ({
      ...entry,
      local: true,
      nodes: [...(self === undefined ? [] : [self]), ...(nodesOf.get(entry.name) ?? [])],
    }))
    const mine = new Set(local.map((entry) => entry.name))
    for (const { description, nodes } of remote) {
      if (mine.has(description.name)) continue
      const { version: _version, fragment: _fragment, ...entry } = description
      entries.push({ ...entry, local: false, nodes })
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  #remember(description: ServiceDescription): ServiceDefinition {
    const known = this.#known.get(description.name)
    if (known !== undefined && known.description.version === description.version) return known.def
    this.#compiler ??= new JsonCheckerCompiler()
    const def = remoteDefinition(description, this.#compiler)
    this.#known.set(description.name, { description, def })
    return def
  }
}
