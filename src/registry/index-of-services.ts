import { NanoError } from '../define/errors.ts'
import { isServiceDefinition, type ServiceDefinition } from '../define/service.ts'
import { importDefault } from './import-default.ts'
import { type ServiceFile, scanServices } from './scan.ts'

/**
 * One service known to the index. `loaded` is set once its file has been imported and prepared.
 *
 * @example
 * const entry = index.get('weather/current'); entry?.loaded ?? await index.load(entry)
 */
export interface IndexEntry<T> {
  readonly name: string
  readonly file: string
  version: number
  loaded: T | undefined
  loading: Promise<T> | undefined
}

/**
 * Turns an imported definition into whatever the runtime keeps per service (validators, sets).
 *
 * @example
 * const prepare: Prepare<ServiceDefinition> = (def) => def
 */
export type Prepare<T> = (definition: ServiceDefinition, file: ServiceFile) => T

/**
 * The services under `<root>/services`, found by file name at start and imported on first use,
 * once even under concurrent first calls. `reload()` makes the next call import a fresh copy.
 *
 * @example
 * const index = new ServiceIndex('/app', (def) => def)
 * const def = await index.load(index.get('weather/current')!)
 */
export class ServiceIndex<T> {
  readonly root: string
  #entries = new Map<string, IndexEntry<T>>()
  #prepare: Prepare<T>
  #onInvalid: ((error: NanoError) => void) | undefined

  constructor(root: string, prepare: Prepare<T>, onInvalid?: (error: NanoError) => void) {
    this.root = root
    this.#prepare = prepare
    this.#onInvalid = onInvalid
    for (const found of scanServices(root, onInvalid)) this.#entries.set(found.name, newEntry(found))
  }

  /** The entry for `name`, or undefined. */
  get(name: string): IndexEntry<T> | undefined {
    return this.#entries.get(name)
  }

  /** Every known service name, sorted. */
  names(): string[] {
    return [...this.#entries.keys()]
  }

  /** Number of known services. */
  get size(): number {
    return this.#entries.size
  }

  /** Imports and prepares the entry's file (once); rejects with `NANO_E_BAD_DEFINITION` on a bad file. */
  load(entry: IndexEntry<T>): Promise<T> {
    if (entry.loaded !== undefined) return Promise.resolve(entry.loaded)
    if (entry.loading !== undefined) return entry.loading
    const version = entry.version
    const loading = importDefinition(entry.file, version).then(
      (definition) => {
        const prepared = this.#prepare(definition, entry)
        if (entry.version === version) {
          entry.loaded = prepared
          entry.loading = undefined
        }
        return prepared
      },
      (error: unknown) => {
        if (entry.version === version) entry.loading = undefined
        throw error
      },
    )
    entry.loading = loading
    return loading
  }

  /**
   * Forgets loaded code so the next call imports the file again. With a name, that service only;
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
    for (const found of scanServices(this.root, this.#onInvalid)) {
      const known = this.#entries.get(found.name)
      if (known !== undefined && known.file === found.file) {
        forget(known)
        next.set(found.name, known)
      } else next.set(found.name, newEntry(found))
    }
    this.#entries = next
  }
}

function newEntry<T>(found: ServiceFile): IndexEntry<T> {
  return { name: found.name, file: found.file, version: 0, loaded: undefined, loading: undefined }
}

function forget<T>(entry: IndexEntry<T>): void {
  entry.version += 1
  entry.loaded = undefined
  entry.loading = undefined
}

function importDefinition(file: string, version: number): Promise<ServiceDefinition> {
  return importDefault(file, version, isServiceDefinition, 'export default service({ input, output, run })')
}
