/**
 * The browser side of live fragments, served at `/_nano/live.js` (well under 1 KB): opens the
 * page's one event stream (`data-src` of its script tag) and swaps each pushed fragment's HTML in
 * place. `EventSource` reconnects by itself after a drop and resumes with `Last-Event-ID`; each
 * swap also fires a `nano:live` event on `document`.
 *
 * @example
 * reply.body = LIVE_CLIENT_JS
 */
export const LIVE_CLIENT_JS = `(function () {
  var script = document.currentScript
  var src = script && script.getAttribute('data-src')
  if (!src || !window.EventSource) return
  var events = new EventSource(src)
  events.addEventListener('fragment', function (event) {
    var message = JSON.parse(event.data)
    var targets = document.querySelectorAll('[data-nano-live="' + CSS.escape(message.id) + '"]')
    for (var i = 0; i < targets.length; i++) targets[i].innerHTML = message.html
    document.dispatchEvent(new CustomEvent('nano:live', { detail: message }))
  })
  window.addEventListener('pagehide', function () { events.close() })
})()
`
