/**
 * The dashboard's stylesheet (inline in the page: the page CSP allows inline styles).
 *
 * @example
 * `<style>${DASHBOARD_CSS}</style>`
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5f6b7a; --bg: #f6f7f9; --card: #fff; --line: #d5dae1; --accent: #2f6fde; --bad: #c62828; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa5b4; --bg: #14171c; --card: #1d2229; --line: #333b46; --accent: #6ea2ff; --bad: #ff6b6b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 1.15rem; margin: 0; }
.status { color: var(--muted); }
.status.off { color: var(--bad); }
main { display: grid; grid-template-columns: minmax(320px, 1fr) 2fr; gap: 1rem; padding: 1rem 1.2rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8rem; min-width: 0; }
section h2 { font-size: 1rem; margin: 0 0 .6rem; }
#catalog-panel { grid-row: span 2; }
#search { width: 100%; padding: .45rem .6rem; font: inherit; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
#catalog { max-height: calc(100vh - 11rem); overflow: auto; }
#count { color: var(--muted); font-size: .85rem; margin: .3rem 0 .6rem; }
.service { border-top: 1px solid var(--line); padding: .6rem 0; }
.service h3 { margin: 0; font-size: .95rem; display: flex; gap: .4rem; align-items: center; flex-wrap: wrap; }
.badge { font-size: .7rem; font-weight: normal; padding: 0 .35rem; border: 1px solid var(--line); border-radius: 3px; color: var(--muted); }
.badge.internal { border-color: var(--accent); color: var(--accent); }
.description { margin: .2rem 0; color: var(--muted); }
dl { display: grid; grid-template-columns: 5.5rem 1fr; margin: .3rem 0; gap: .1rem .5rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.name-link { font: inherit; color: var(--accent); background: none; border: 0; padding: 0 .5rem 0 0; cursor: pointer; }
pre { font-size: .75rem; background: var(--bg); padding: .4rem; overflow: auto; max-height: 16rem; margin: .2rem 0; }
h4 { margin: .4rem 0 0; font-size: .8rem; }
#graph-box { overflow: auto; max-height: 60vh; }
#graph .node rect { fill: var(--card); stroke: var(--accent); stroke-width: 1.5; }
#graph .node.kind-fragment rect { stroke: #8e44ad; }
#graph .node.kind-page rect { stroke: #2e7d32; }
#graph .node.kind-outside rect { stroke: var(--muted); stroke-dasharray: 4 3; }
#graph .node.internal rect { fill: var(--bg); }
#graph .node.missing rect { stroke: var(--bad); }
#graph .node.dim { opacity: .25; }
#graph .node { cursor: pointer; }
#graph text { fill: var(--fg); font: 12px ui-monospace, monospace; }
#graph .edge { fill: none; stroke: var(--muted); stroke-width: 1.2; }
#graph .edge.observed { stroke: var(--accent); stroke-width: 2.4; }
#graph .edge.failing { stroke: var(--bad); }
#graph .edge.undeclared { stroke-dasharray: 5 4; }
#graph .arrow { fill: var(--muted); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
th[scope=row], thead th:first-child { text-align: left; font-family: ui-monospace, monospace; font-weight: normal; }
tr.failing th { color: var(--bad); }
.notice { color: var(--bad); }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } #catalog-panel { grid-row: auto; } }
`
