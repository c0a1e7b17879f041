import type { ServiceDescription } from '../runtime/ports.ts'

/**
 * The NATS micro endpoint name of a service: micro names allow only `[A-Za-z0-9_-]`, so each `/`
 * becomes `__` (`sport/score` → `sport__score`). The real name travels in the endpoint's
 * metadata (`nanoweb.name`), which is what nanoweb reads back.
 *
 * @example
 * endpointName('sport/score') // 'sport__score'
 */
export function endpointName(service: string): string {
  return service.replaceAll('/', '__')
}

/**
 * The metadata of a service's micro endpoint (micro metadata values are strings): its name,
 * kind, version, `uses`, input and output JSON Schema, and the rest of its description as JSON.
 *
 * @example
 * endpointMetadata(description)['nanoweb.uses'] // '["geo/lookup"]'
 */
export function endpointMetadata(description: ServiceDescription): Record<string, string> {
  const { name, kind, version, uses, input, output, ...rest } = description
  return {
    'nanoweb.name': name,
    'nanoweb.kind': kind,
    'nanoweb.version': version,
    'nanoweb.uses': JSON.stringify(uses),
    'nanoweb.input': JSON.stringify(input),
    'nanoweb.output': JSON.stringify(output),
    'nanoweb.service': JSON.stringify(rest),
  }
}

/**
 * A service description read back from a micro endpoint's metadata, or undefined when the
 * endpoint is not a nanoweb service (or its metadata is malformed).
 *
 * @example
 * const description = descriptionOf(endpoint.metadata)
 */
export function descriptionOf(metadata: Record<string, string> | undefined): ServiceDescription | undefined {
  const name = metadata?.['nanoweb.name']
  if (metadata === undefined || name === undefined) return undefined
  try {
    const rest = JSON.parse(metadata['nanoweb.service'] ?? '') as Omit<ServiceDescription, 'name'>
    const description: ServiceDescription = {
      ...rest,
      name,
      kind: metadata['nanoweb.kind'] === 'fragment' ? 'fragment' : 'service',
      version: metadata['nanoweb.version'] ?? '',
      uses: JSON.parse(metadata['nanoweb.uses'] ?? '[]') as string[],
      input: JSON.parse(metadata['nanoweb.input'] ?? '{}') as Record<string, unknown>,
      output: JSON.parse(metadata['nanoweb.output'] ?? '{}') as Record<string, unknown>,
    }
    return typeof description.visibility === 'string' ? description : undefined
  } catch {
    return undefined
  }
}
