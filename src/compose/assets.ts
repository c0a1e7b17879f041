import { dirname, resolve, sep } from 'node:path'

/**
 * One stylesheet or script a fragment declared, as the page links it.
 *
 * @example
 * const a: Asset = { url: '/_nano/assets/sport/score-box.css', file: '/app/services/sport/score-box.css', kind: 'css' }
 */
export interface Asset {
  readonly url: string
  readonly file: string
  readonly kind: 'css' | 'js'
}

/**
 * The assets fragments declared, by URL: pages link them, the gateway serves exactly these files
 * and nothing else (a path may not leave its fragment's folder). The URL is the file's path under
 * `services/`, so fragments sharing a file share one URL and a page links it once.
 *
 * `urlPrefix` is where the gateway serves them.
 *
 * @example
 * const assets = new AssetRegistry({ servicesDir: '/app/services', urlPrefix: '/_nano/assets/' })
 * assets.register('/app/services/sport/score-box.ts', ['score-box.css'], 'css') // url /_nano/assets/sport/score-box.css
 */
export class AssetRegistry {
  readonly #byUrl = new Map<string, Asset>()
  /** The `services/` folder: no asset is served from outside it. */
  readonly servicesDir: string
  readonly #urlPrefix: string

  constructor(options: { readonly servicesDir: string; readonly urlPrefix: string }) {
    this.servicesDir = options.servicesDir
    this.#urlPrefix = options.urlPrefix
  }

  /** Records the assets of one fragment and returns them; throws for a path outside its folder. */
  register(fragmentFile: string, paths: readonly string[], kind: 'css' | 'js'): Asset[] {
    const dir = dirname(fragmentFile)
    return paths.map((path) => {
      const file = resolve(dir, path)
      if (!file.startsWith(dir + sep) || !file.startsWith(this.servicesDir + sep)) {
        throw new TypeError(`${fragmentFile}: asset '${path}' is outside the fragment's folder`)
      }
      const url = `${this.#urlPrefix}${file
        .slice(this.servicesDir.length + 1)
        .split(sep)
        .join('/')}`
      const asset: Asset = { url, file, kind }
      this.#byUrl.set(url, asset)
      return asset
    })
  }

  /** The asset at `url`, if a fragment declared it. */
  lookup(url: string): Asset | undefined {
    return this.#byUrl.get(url)
  }
}
