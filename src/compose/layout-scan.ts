import { Parser } from 'htmlparser2'

/**
 * Where one element sits in a template: the whole element (`start`–`end`) and its content
 * (`innerStart`–`innerEnd`), as offsets into the source; `name` is its `name` (a `<nano-slot>`)
 * or `slot` (a `<template>`) attribute.
 *
 * @example
 * const at: ElementAt = { name: 'head', start: 0, end: 40, innerStart: 22, innerEnd: 29 }
 */
export interface ElementAt {
  readonly name: string | undefined
  readonly start: number
  readonly end: number
  readonly innerStart: number
  readonly innerEnd: number
}

/**
 * What {@link scanLayoutMarks} finds: the `<nano-slot>` elements at any depth (in document order),
 * the `<template slot="…">` elements outside every other element, and any `<nano-slot>` found
 * inside another one.
 *
 * @example
 * const { slots, parts } = scanLayoutMarks('<template slot="head"><title>T</title></template><p>x</p>')
 */
export interface LayoutMarks {
  readonly slots: readonly ElementAt[]
  readonly parts: readonly ElementAt[]
  readonly nestedSlot: boolean
}

interface Open {
  readonly tag: 'nano-slot' | 'template'
  readonly name: string | undefined
  readonly start: number
  readonly innerStart: number
  readonly depth: number
}

/**
 * Scans a page or layout with the same HTML tokenizer as pages (htmlparser2), so that markup in
 * `<script>`, `<style>`, `<title>` and comments is never taken for a slot or a part.
 *
 * @example
 * scanLayoutMarks('<main><nano-slot></nano-slot></main>').slots[0] // { name: undefined, start: 6, … }
 */
export function scanLayoutMarks(source: string): LayoutMarks {
  const slots: ElementAt[] = []
  const parts: ElementAt[] = []
  const open: Open[] = []
  let nestedSlot = false
  let depth = 0
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        const isPart = tag === 'template' && depth === 0 && attributes.slot !== undefined
        depth += 1
        if (tag === 'nano-slot') {
          if (open.some((o) => o.tag === 'nano-slot')) nestedSlot = true
          open.push({ tag, name: attributes.name, start: parser.startIndex, innerStart: parser.endIndex + 1, depth })
        } else if (isPart) {
          open.push({ tag, name: attributes.slot, start: parser.startIndex, innerStart: parser.endIndex + 1, depth })
        }
      },
      onclosetag(tag, implied) {
        const current = open.at(-1)
        if (current !== undefined && current.tag === tag && current.depth === depth) {
          open.pop()
          const selfClosing = implied && parser.startIndex === current.start
          const innerEnd = selfClosing ? current.innerStart : Math.max(current.innerStart, parser.startIndex)
          const end = selfClosing ? current.innerStart : implied ? parser.startIndex : parser.endIndex + 1
          const at: ElementAt = {
            name: current.name,
            start: current.start,
            end,
            innerStart: current.innerStart,
            innerEnd,
          }
          if (tag === 'nano-slot') slots.push(at)
          else parts.push(at)
        }
        depth -= 1
      },
    },
    { lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  )
  parser.write(source)
  parser.end()
  slots.sort((a, b) => a.start - b.start)
  return { slots, parts, nestedSlot }
}
