import { NanoError } from '../define/errors.ts'
import { flatString } from '../define/flat-string.ts'
import { type ServiceFile, scanServices } from './scan.ts'

/**
 * One service known to the index. `loaded` is set once its file has been imported and prepared
 * and everything it `uses` is loaded too: from then on a call runs without waiting for code.
 *
 * @example
 * const entry = index.get('weather/current'); entry?.loaded ?? await index.ready(entry)
 */
export interface IndexEntry<T> {
  readonly name: string
  readonly file: string
  /** Counts reloads: a load started before a reload never installs its (old) code. */
  reload: number
  /** Ready to run: this service and everything it may call are loaded. */
  loaded: T | undefined
  /** This service's own code, imported and prepared (its `uses` may still be loading). */
  imported: Promise<T> | undefined
  ready: Promise<T> | undefined
}

/**
 * How the index loads one service's code, and reads what it may call.
 *
 * @example
 * const loader: ServiceLoader<Def> = { load: (entry) => importIt(entry.file), usesOf: (def) => def.uses }
 */
export interface ServiceLoader<T> {
  load(entry: { readonly name: string; readonly file: string; readonly reload: number }): Promise<T>
  usesOf(loaded: T): Iterable<string>
}

/**
 * How to make a {@link ServiceIndex}.
 *
 * @example
 * new ServiceIndex({ root: '/app', loader, onInvalid: (e) => console.error(e.message) })
 */
export interface ServiceIndexOptions<T> {
  readonly root: string
  readonly loader: ServiceLoader<T>
  /** Reports a file with an invalid name (then skipped); without it such a file throws. */
  readonly onInvalid?: ((error: NanoError) => void) | undefined
  /** Which services this index holds (the others are never imported); all by default. */
  readonly include?: ((name: string) => boolean) | undefined
}

/**
 * The services under `<root>/services`, found by file name at start and loaded on first use,
 * once even under concurrent first calls. {@link ServiceIndex.ready} loads a service together
 * with everything it may call (cycles included), so that loading code is never charged to a
 * running call. `reload()` makes the next call load a fresh copy.
 *
 * @example
 * const index = new ServiceIndex({ root: '/app', loader })
 * const def = await index.ready(index.get('weather/current')!)
 */
export class ServiceIndex<T> {
  readonly root: string
  #entries = new Map<string, IndexEntry<T>>()
  readonly #loader: ServiceLoader<T>
  readonly #onInvalid: ((error: NanoError) => void) | undefined
  readonly #include: (name: string) => boolean

  constructor(options: ServiceIndexOptions<T>) {
    this.root = options.root
    this.#loader = options.loader
    this.#onInvalid = options.onInvalid
    this.#include = options.include ?? (() => true)
    for (const found of this.#scan()) {
      const entry = newEntry<T>(found)
      this.#entries.set(entry.name, entry)
    }
  }

  /** The entry for `name`, or undefined. */
  get(name: string): IndexEntry<T> | undefined {
    return this.#entries.get(name)
  }

  #scan(): ServiceFile[] {
    return scanServices(this.root, this.#onInvalid).filter((found) => this.#include(found.name))
  }

  /** Every known service name, sorted. */
  names(): string[] {
    return [...this.#entries.keys()]
  }

  /** Number of known services. */
  get size(): number {
    return this.#entries.size
  }

  /** Loads the entry's own code (once per reload); rejects with `NANO_E_BAD_DEFINITION` on a bad file. */
  load(entry: IndexEntry<T>): Promise<T> {
    if (entry.imported !== undefined) return entry.imported
    const reload = entry.reload
    const imported = this.#loader.load({ name: entry.name, file: entry.file, reload })
    imported.catch(() => {
      if (entry.reload === reload && entry.imported === imported) entry.imported = undefined
    })
    entry.imported = imported
    return imported
  }

  /**
   * Loads the entry and, breadth first, every local service it may call, then marks them all
   * ready. A service that does not load fails its own calls only: it does not stop the others.
   */
  ready(entry: IndexEntry<T>): Promise<T> {
    if (entry.loaded !== undefined) return Promise.resolve(entry.loaded)
    if (entry.ready !== undefined) return entry.ready
    const reload = entry.reload
    const ready = this.#closure(entry).then(
      (own) => {
        if (entry.reload === reload) entry.loaded = own
        return own
      },
      (error: unknown) => {
        if (entry.reload === reload && entry.ready === ready) entry.ready = undefined
        throw error
      },
    )
    entry.ready = ready
    return ready
  }

  async #closure(root: IndexEntry<T>): Promise<T> {
    const rootReload = root.reload
    const own = await this.load(root)
    let frontier = this.#unready(own, new Set([root]))
    if (frontier.length === 0) return own
    const seen = new Set<IndexEntry<T>>([root, ...frontier])
    const done: [IndexEntry<T>, T, number][] = [[root, own, rootReload]]
    while (frontier.length > 0) {
      const reloads = frontier.map((e) => e.reload)
      const results = await Promise.allSettled(frontier.map((e) => this.load(e)))
      const next: IndexEntry<T>[] = []
      results.forEach((result, i) => {
        if (result.status === 'rejected') return
        const entry = frontier[i] as IndexEntry<T>
        done.push([entry, result.value, reloads[i] as number])
        for (const callee of this.#unready(result.value, seen)) {
          seen.add(callee)
          next.push(callee)
        }
      })
      frontier = next
    }
    for (const [entry, loaded, reload] of done) if (entry.reload === reload) entry.loaded ??= loaded
    return own
  }

  #unready(loaded: T, seen: ReadonlySet<IndexEntry<T>>): IndexEntry<T>[] {
    const found: IndexEntry<T>[] = []
    for (const name of this.#loader.usesOf(loaded)) {
      const callee = this.#entries.get(name)
      if (callee !== undefined && callee.loaded === undefined && !seen.has(callee) && !found.includes(callee))
        found.push(callee)
    }
    return found
  }

  /**
   * Forgets loaded code so the next call loads the file again. With a name, that service only;
   * without, every service, and the folder is scanned again for added and removed files.
   */
  reload(name?: string): void {
    if (name !== undefined) {
      const entry = this.#entries.get(name)
      if (entry === undefined) throw new NanoError('NANO_E_NOT_FOUND', `No service named '${name}' to reload`)
      forget(entry)
      return
    }
    const next = new Map<string, IndexEntry<T>>()
    for (const found of this.#scan()) {
      const known = this.#entries.get(found.name)
      if (known !== undefined && known.file === found.file) {
        forget(known)
        next.set(known.name, known)
      } else {
        const entry = newEntry<T>(found)
        next.set(entry.name, entry)
      }
    }
    this.#entries = next
  }
}

function newEntry<T>(found: ServiceFile): IndexEntry<T> {
  return {
    name: flatString(found.name),
    file: found.file,
    reload: 0,
    loaded: undefined,
    imported: undefined,
    ready: undefined,
  }
}

function forget<T>(entry: IndexEntry<T>): void {
  entry.reload += 1
  entry.loaded = undefined
  entry.imported = undefined
  entry.ready = undefined
}
