import { coerceText, propertySchema } from '../define/coerce.ts'
import { isNanoError } from '../define/errors.ts'
import { flatString } from '../define/flat-string.ts'
import { isFragment, type LivePolicy } from '../define/fragment.ts'
import { escapeHtml } from '../define/html.ts'
import { type JsonSchema, toJsonSchema } from '../define/schema.ts'
import type { ServiceDefinition } from '../define/service.ts'
import type { Caller } from '../runtime/ports.ts'
import { sealInput } from '../runtime/validate/sealed.ts'
import type { AssetRegistry } from './assets.ts'
import { fill, type PageVars, type Template } from './interpolate.ts'
import { encodeTemplate, MarkupBytes, type TemplatePiece } from './page-bytes.ts'
import { PageSnapshot } from './page-snapshot.ts'
import type { ParsedPage, SlotSpec, TemplatePart } from './template.ts'

/**
 * Why a slot cannot render: its fragment does not exist, no node of the cluster runs it (yet), it
 * does not compile, or it is not a fragment.
 *
 * @example
 * const why: SlotProblem = { reason: 'not found', message: "pages/index.html: no service named 'news/nope'" }
 */
export interface SlotProblem {
  readonly reason: 'not found' | 'unavailable' | 'does not compile' | 'not a fragment'
  readonly message: string
}

/**
 * A slot ready to run: its fragment checked, its input built from attributes coerced by the
 * fragment's input schema (once, when no attribute has holes).
 *
 * @example
 * const input = slot.input(vars)
 */
export interface LinkedSlot {
  readonly spec: SlotSpec
  /** Set when the slot always shows its fallback, with the reason. */
  readonly problem: SlotProblem | undefined
  readonly timeoutMs: number | undefined
  /** Set for live fragments: the slot is wrapped so that updates can replace it in the browser. */
  readonly live: LivePolicy | undefined
  input(vars: PageVars): unknown
}

/**
 * A page compiled once: template parts, linked slots, the head's asset tags, and the URLs of the
 * page's assets (for the gateway's preload header).
 *
 * @example
 * const plan = await linkPage(parsed, { caller, assets, file: 'pages/index.html' })
 */
export interface PagePlan {
  /** The page file, relative to the app root. */
  readonly file: string
  readonly parts: readonly TemplatePart[]
  readonly slots: readonly LinkedSlot[]
  /** How many slots are `primary` (the page status waits for them; they start first). */
  readonly primaries: number
  readonly budgetMs: number | undefined
  /** `<link>`/`<script>` tags for every distinct asset of the page's fragments. */
  readonly headTags: string
  readonly assets: { readonly css: readonly string[]; readonly js: readonly string[] }
  /** Slots that can never render, found when the page was linked. */
  readonly problems: readonly SlotProblem[]
  /** The page's fixed text as bytes, encoded once: each part's pieces, and the head tags. */
  readonly encoded: {
    readonly parts: readonly (readonly TemplatePiece[])[]
    readonly headTags: Uint8Array
    /** One per slot: the bytes of the markup it wrote last (a cached fragment writes the same). */
    readonly markup: readonly MarkupBytes[]
    /** The page as last written whole, when it can be kept (see {@link PageSnapshot}). */
    readonly snapshot: PageSnapshot | undefined
  }
}

/**
 * What {@link linkPage} links against.
 *
 * @example
 * const with_: LinkOptions = { caller: rt, assets, file: 'pages/index.html' }
 */
export interface LinkOptions {
  readonly caller: Pick<Caller, 'resolve' | 'fileOf'>
  readonly assets: AssetRegistry
  /** The page file, relative to the app root (named in problems). */
  readonly file: string
}

type Linked = { readonly def: ServiceDefinition } | { readonly problem: SlotProblem }

/**
 * Links a parsed page to the runtime: loads each distinct fragment and everything it uses (so no
 * render waits for code), collects and de-duplicates their CSS and JS, prepares each slot's input
 * builder, and records every slot that can never render.
 *
 * @example
 * const plan = await linkPage(parsePage(source, file), { caller: rt, assets, file })
 */
export async function linkPage(parsed: ParsedPage, options: LinkOptions): Promise<PagePlan> {
  const { caller, assets, file } = options
  const distinct = [...new Set(parsed.slots.map((s) => s.src))]
  const linked = new Map<string, Linked>(
    await Promise.all(distinct.map(async (src) => [src, await linkFragment(caller, src, file)] as const)),
  )
  const css = new Set<string>()
  const js = new Set<string>()
  for (const [src, link] of linked) {
    if (!('def' in link) || !isFragment(link.def)) continue
    const fragmentFile = caller.fileOf(src) as string
    for (const a of assets.register(fragmentFile, link.def.css, 'css')) css.add(a.url)
    for (const a of assets.register(fragmentFile, link.def.js, 'js')) js.add(a.url)
  }
  const slots = parsed.slots.map((parsedSpec): LinkedSlot => {
    const link = linked.get(parsedSpec.src) as Linked
    const def = 'def' in link && isFragment(link.def) ? link.def : undefined
    const spec = { ...parsedSpec, src: flatString(parsedSpec.src) }
    return {
      spec,
      problem: 'problem' in link ? link.problem : undefined,
      timeoutMs: spec.timeoutMs ?? undefined,
      live: def?.live,
      input: inputBuilder(spec.attributes, () => (def === undefined ? {} : toJsonSchema(def.input, 'input'))),
    }
  })
  const headTags =
    [...css].map((url) => `<link rel="stylesheet" href="${escapeHtml(url)}">`).join('') +
    [...js].map((url) => `<script src="${escapeHtml(url)}" defer></script>`).join('')
  const encodedParts = parsed.parts.map((part) => (part.kind === 'text' ? encodeTemplate(part.text) : []))
  const problems = [...linked.values()].flatMap((link) => ('problem' in link ? [link.problem] : []))
  return {
    file,
    parts: parsed.parts,
    slots,
    primaries: slots.filter((slot) => slot.spec.primary).length,
    budgetMs: parsed.budgetMs,
    headTags,
    assets: { css: [...css], js: [...js] },
    problems,
    encoded: {
      parts: encodedParts,
      headTags: Buffer.from(headTags, 'utf8'),
      markup: slots.map(() => new MarkupBytes()),
      snapshot: PageSnapshot.of(parsed.parts, encodedParts),
    },
  }
}

async function linkFragment(caller: LinkOptions['caller'], src: string, file: string): Promise<Linked> {
  let def: ServiceDefinition
  try {
    def = await caller.resolve(src)
  } catch (error) {
    if (isNanoError(error) && error.code === 'NANO_E_NOT_FOUND') {
      return { problem: { reason: 'not found', message: `${file}: no service named '${src}'` } }
    }
    if (isNanoError(error) && error.code === 'NANO_E_UNAVAILABLE') {
      return { problem: { reason: 'unavailable', message: `${file}: no node runs the fragment '${src}'` } }
    }
    const why = error instanceof Error ? error.message : String(error)
    return { problem: { reason: 'does not compile', message: `${file}: fragment '${src}' does not load: ${why}` } }
  }
  if (!isFragment(def)) {
    return { problem: { reason: 'not a fragment', message: `${file}: '${src}' is a service, not a fragment` } }
  }
  return { def }
}

/** Builds a slot's input from its attributes, each coerced as the fragment's schema (asked for only when there are attributes) says. */
function inputBuilder(
  attributes: Readonly<Record<string, Template>>,
  schemaOf: () => JsonSchema,
): (vars: PageVars) => unknown {
  const names = Object.keys(attributes)
  const schema = names.length === 0 ? {} : schemaOf()
  const entries = names.map((name) => [name, attributes[name] as Template, propertySchema(schema, name)] as const)
  if (entries.every(([, template]) => typeof template === 'string')) {
    const fixed = sealInput(Object.fromEntries(entries.map(([name, text, s]) => [name, coerceText(text as string, s)])))
    return () => fixed
  }
  const build = (vars: PageVars): Record<string, unknown> => {
    const built: Record<string, unknown> = {}
    for (const [name, template, s] of entries) built[name] = coerceText(fill(template, vars, false), s)
    return built
  }
  let plain: unknown
  return (vars) => {
    if (vars.key !== '') return build(vars)
    plain ??= sealInput(build(vars))
    return plain
  }
}
