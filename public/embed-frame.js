/*! Atrium widget frame: tells the loader on the host page (or the editor around its preview)
 * how large the widget is, from the first paint on (before the widget's WebAssembly has loaded) and whenever it changes, and
 * reports the widget's impression, load time, first interaction and errors to Atrium in small
 * batches (with the visit the server signed for this page). */
(function () {
  'use strict';
  var main = document.querySelector('.embed-frame');
  if (!main) return;
  var widget = main.querySelector('.aw-widget');
  var id = main.getAttribute('data-widget');

  if (window.parent !== window) {
    var report = function () {
      // Looked up each time: the editor's preview draws its widget once the draft arrives.
      var drawn = main.querySelector('.aw-widget');
      var position = drawn ? drawn.getAttribute('data-position') : 'inline';
      var box = main.getBoundingClientRect();
      // An inline widget asks for its configured width (the page may give it less); a corner
      // widget for what it takes now (the launcher alone, or the open card).
      var width = position === 'inline' && drawn
        ? parseFloat(getComputedStyle(drawn).getPropertyValue('--aw-width')) + 32
        : box.width;
      window.parent.postMessage({
        type: 'atrium:size',
        widget: id,
        position: position,
        width: Math.ceil(width || box.width),
        height: Math.ceil(box.height)
      }, '*');
    };
    new ResizeObserver(report).observe(main);
    report();
  }

  var visit = main.getAttribute('data-visit');
  if (!widget || !id || !visit) return;
  var site = main.getAttribute('data-site');
  var queue = [];
  var timer = 0;
  var flush = function () {
    clearTimeout(timer);
    timer = 0;
    if (!queue.length) return;
    var events = queue.splice(0, 50);
    fetch('/api/v1/widgets/' + encodeURIComponent(id) + '/events', {
      method: 'POST',
      keepalive: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visit: visit, site: site || null, events: events })
    }).catch(function () {});
    if (queue.length) flush();
  };
  var add = function (event) {
    queue.push(event);
    if (!timer) timer = setTimeout(flush, 1000);
  };
  add({ kind: 'impression' });
  add({ kind: 'load', ms: Math.min(120000, Math.round(performance.now())) });
  var engaged = false;
  var engage = function () {
    if (engaged) return;
    engaged = true;
    add({ kind: 'interaction' });
  };
  document.addEventListener('pointerdown', engage, true);
  document.addEventListener('keydown', engage, true);
  // At most ten errors a page: a broken widget should not flood the reports.
  var errors = 0;
  var failed = function (message) {
    if (errors >= 10) return;
    errors += 1;
    var text = String(message || 'Unknown error')
      .replace(/[\x00-\x1f\x7f-\x9f\s]+/g, ' ').trim().slice(0, 300);
    add({ kind: 'error', message: text || 'Unknown error' });
  };
  window.addEventListener('error', function (e) { failed(e.message); });
  window.addEventListener('unhandledrejection', function (e) { failed(e.reason && e.reason.message || e.reason); });
  window.addEventListener('pagehide', flush);
})();
