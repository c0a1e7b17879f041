import { coerceText, propertySchema } from '../define/coerce.ts'
import { isFragment, type LivePolicy } from '../define/fragment.ts'
import { escapeHtml } from '../define/html.ts'
import { type JsonSchema, toJsonSchema } from '../define/schema.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { Asset, AssetRegistry } from './assets.ts'
import { fill, type PageVars, type Template } from './interpolate.ts'
import type { ParsedPage, SlotSpec, TemplatePart } from './template.ts'

/**
 * A slot ready to run: its fragment checked, its input built from attributes coerced by the
 * fragment's input schema (once, when no attribute has holes).
 *
 * @example
 * const input = slot.input(vars)
 */
export interface LinkedSlot {
  readonly spec: SlotSpec
  /** False when the fragment does not exist or is not a fragment: the slot always falls back. */
  readonly usable: boolean
  readonly timeoutMs: number | undefined
  /** Set for live fragments: the slot is wrapped so that updates can replace it in the browser. */
  readonly live: LivePolicy | undefined
  input(vars: PageVars): unknown
}

/**
 * A page compiled once: template parts, linked slots, the head's asset tags and `Link` header.
 *
 * @example
 * const plan = await linkPage(parsed, rt, assets, 'pages/index.html')
 */
export interface PagePlan {
  readonly parts: readonly TemplatePart[]
  readonly slots: readonly LinkedSlot[]
  readonly budgetMs: number | undefined
  /** `<link>`/`<script>` tags for every distinct asset of the page's fragments. */
  readonly headTags: string
  /** `Link: <…>; rel=preload` header value, or '' when the page has no assets. */
  readonly linkHeader: string
  readonly warnings: readonly string[]
}

/**
 * Links a parsed page to the runtime: loads each distinct fragment once, collects and
 * de-duplicates their CSS and JS, and prepares each slot's input builder.
 *
 * @example
 * const plan = await linkPage(parsePage(source, file), rt, assets, file)
 */
export async function linkPage(
  parsed: ParsedPage,
  rt: Runtime,
  assets: AssetRegistry,
  file: string,
): Promise<PagePlan> {
  const warnings: string[] = []
  const distinct = [...new Set(parsed.slots.map((s) => s.src))]
  const definitions = new Map(
    await Promise.all(distinct.map(async (src) => [src, await rt.resolve(src).catch(() => undefined)] as const)),
  )
  const css = new Map<string, Asset>()
  const js = new Map<string, Asset>()
  for (const [src, def] of definitions) {
    if (def === undefined) warnings.push(`${file}: no service named '${src}'; its slots show their fallback`)
    else if (!isFragment(def))
      warnings.push(`${file}: '${src}' is a service, not a fragment; its slots show their fallback`)
    else {
      const fragmentFile = rt.fileOf(src) as string
      for (const a of assets.register(fragmentFile, def.css, 'css')) css.set(a.url, a)
      for (const a of assets.register(fragmentFile, def.js, 'js')) js.set(a.url, a)
    }
  }
  const slots = parsed.slots.map((spec): LinkedSlot => {
    const def = definitions.get(spec.src)
    const usable = def !== undefined && isFragment(def)
    const schema = usable ? toJsonSchema(def.input, 'input') : {}
    return {
      spec,
      usable,
      timeoutMs: spec.timeoutMs ?? undefined,
      live: usable ? def.live : undefined,
      input: inputBuilder(spec.attributes, schema),
    }
  })
  const headTags =
    [...css.keys()].map((url) => `<link rel="stylesheet" href="${escapeHtml(url)}">`).join('') +
    [...js.keys()].map((url) => `<script src="${escapeHtml(url)}" defer></script>`).join('')
  const linkHeader = [
    ...[...css.keys()].map((url) => `<${url}>; rel=preload; as=style`),
    ...[...js.keys()].map((url) => `<${url}>; rel=preload; as=script`),
  ].join(', ')
  return { parts: parsed.parts, slots, budgetMs: parsed.budgetMs, headTags, linkHeader, warnings }
}

function inputBuilder(attributes: Readonly<Record<string, Template>>, schema: JsonSchema): (vars: PageVars) => unknown {
  const entries = Object.entries(attributes).map(
    ([name, template]) => [name, template, propertySchema(schema, name)] as const,
  )
  if (entries.every(([, template]) => typeof template === 'string')) {
    const fixed = Object.freeze(
      Object.fromEntries(entries.map(([name, text, s]) => [name, coerceText(text as string, s)])),
    )
    return () => fixed
  }
  return (vars) => {
    const input: Record<string, unknown> = {}
    for (const [name, template, s] of entries) input[name] = coerceText(fill(template, vars, false), s)
    return input
  }
}
