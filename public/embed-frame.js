/*! Atrium widget frame: tells the loader on the host page how large the widget is, from the
 * first paint on (before the widget's WebAssembly has loaded) and whenever it changes. */
(function () {
  'use strict';
  if (window.parent === window) return;
  var main = document.querySelector('.embed-frame');
  if (!main) return;
  var widget = main.querySelector('.aw-widget');
  var report = function () {
    var position = widget ? widget.getAttribute('data-position') : 'inline';
    var box = main.getBoundingClientRect();
    // An inline widget asks for its configured width (the page may give it less); a corner
    // widget for what it takes now (the launcher alone, or the open card).
    var width = position === 'inline' && widget
      ? parseFloat(getComputedStyle(widget).getPropertyValue('--aw-width')) + 32
      : box.width;
    window.parent.postMessage({
      type: 'atrium:size',
      widget: main.getAttribute('data-widget'),
      position: position,
      width: Math.ceil(width || box.width),
      height: Math.ceil(box.height)
    }, '*');
  };
  new ResizeObserver(report).observe(main);
  report();
})();
