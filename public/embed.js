/*! Atrium widget loader. Paste on any page of a site the widget allows:
 *    <script src="https://ATRIUM/embed.js" data-widget="WIDGET-ID" async></script>
 * (with data-for="DEPLOYMENT-ID" when a builder deployed it for a customer).
 * It puts the widget's own document (/embed/WIDGET-ID) in an iframe beside the tag — the
 * page's CSS cannot reach the widget and the widget cannot reach the page — and sizes and
 * places that frame as the widget's document asks (corner widgets float, inline ones flow). */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.getAttribute('data-widget')) return;
  var base = new URL(script.src).origin;
  var id = script.getAttribute('data-widget');
  var frame = document.createElement('iframe');
  var set = function (name, value) { frame.style.setProperty(name, value, 'important'); };
  var deployment = script.getAttribute('data-for');
  frame.src = base + '/embed/' + encodeURIComponent(id) +
    (deployment ? '?for=' + encodeURIComponent(deployment) : '');
  frame.title = script.getAttribute('data-title') || 'Widget';
  frame.setAttribute('data-atrium-widget', id);
  set('border', '0');
  set('padding', '0');
  set('margin', '0');
  set('display', 'block');
  set('background', 'transparent');
  set('color-scheme', 'light');
  set('width', '0');
  set('height', '0');
  set('max-width', '100%');
  script.insertAdjacentElement('afterend', frame);
  window.addEventListener('message', function (event) {
    var size = event.data;
    if (event.origin !== base || event.source !== frame.contentWindow) return;
    if (!size || size.type !== 'atrium:size') return;
    if (size.position === 'bottom_right' || size.position === 'bottom_left') {
      set('position', 'fixed');
      set('bottom', '0');
      set(size.position === 'bottom_right' ? 'right' : 'left', '0');
      set('z-index', '2147483000');
      set('width', size.width + 'px');
    } else {
      set('width', '100%');
      set('max-width', size.width + 'px');
    }
    set('height', size.height + 'px');
  });
})();
