import type { Metafile } from 'esbuild'

/**
 * Services per bundle file. V8 compiles each service's closure lazily, and the cost of that grows
 * with the number of bindings in the file's scope: one file of 10,000 services took 3.6 s of CPU
 * to initialise them all, files of 500 services 1.1 s.
 */
export const SERVICES_PER_FILE = 500

/**
 * Splits services (by their files, relative to the root) into groups of about
 * {@link SERVICES_PER_FILE}, keeping together all services whose files share a project file
 * (one imports the other, or both import a third), so that each project module exists once:
 * module state a shared file keeps is shared as it is without a bundle. Order is kept.
 *
 * @example
 * groupServices(['services/a.ts', 'services/b.ts'], metafile) // [['services/a.ts', 'services/b.ts']]
 */
export function groupServices(files: readonly string[], metafile: Metafile): string[][] {
  const parent = new Map<string, string>()
  const find = (file: string): string => {
    let top = file
    while (parent.has(top) && parent.get(top) !== top) top = parent.get(top) as string
    parent.set(file, top)
    return top
  }
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (file === '<stdin>' || isPackage(file)) continue
    for (const { path, external } of input.imports) {
      if (external !== true && !isPackage(path)) parent.set(find(path), find(file))
    }
  }
  const components = new Map<string, string[]>()
  for (const file of files) {
    const top = find(file)
    const component = components.get(top)
    if (component === undefined) components.set(top, [file])
    else component.push(file)
  }
  const groups: string[][] = []
  let current: string[] = []
  for (const component of components.values()) {
    if (current.length > 0 && current.length + component.length > SERVICES_PER_FILE) {
      groups.push(current)
      current = []
    }
    current.push(...component)
  }
  if (current.length > 0) groups.push(current)
  return groups
}

function isPackage(path: string): boolean {
  return path.split('/').includes('node_modules')
}
