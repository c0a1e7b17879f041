/**
 * Deferred slots: a placeholder where the slot belongs, and later, before `</body>`, its markup
 * in a hidden container with a call that moves it into the placeholder. The ids pair them.
 */

const SWAP_SCRIPT_BODY =
  '>function nanoSwap(i){var d=document.getElementById("nano-d"+i),t=document.getElementById("nano-t"+i);if(d&&t){d.replaceChildren.apply(d,Array.from(t.childNodes));t.remove()}}</script>'

/**
 * The placeholder of deferred slot `i`, showing its fallback until the slot arrives.
 *
 * @example
 * deferPlaceholder(3, 'Loading…') // '<div id="nano-d3" data-nano-defer>Loading…</div>'
 */
export function deferPlaceholder(i: number, fallback: string): string {
  return `<div id="nano-d${i}" data-nano-defer>${fallback}</div>`
}

/**
 * The `nanoSwap` function, sent once per page before its first late slot; `script` is the
 * opening `<script` (with the response's nonce, if any).
 *
 * @example
 * swapScript('<script nonce="abc"')
 */
export function swapScript(script: string): string {
  return script + SWAP_SCRIPT_BODY
}

/**
 * Late slot `i`'s markup and the call that swaps it into its placeholder.
 *
 * @example
 * lateSlot(3, '<p>forecast</p>', '<script')
 */
export function lateSlot(i: number, html: string, script: string): string {
  return `<div id="nano-t${i}" data-nano-late>${html}</div>${script}>nanoSwap(${i})</script>`
}
