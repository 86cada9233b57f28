// Measures how soon an embedded widget is visible on a host page: serves a plain page holding
// the widget's script tag at http://localhost:8080 (an origin the demo widget allows), opens
// it in Debian's Chromium with a cold cache each time, and reports when the widget's frame
// got its size (the widget is painted) after the page started loading, and the page's own
// load event. Used by scripts/bench.py:
//   node scripts/widget-visible.mjs http://127.0.0.1:3300 WIDGET-ID RUNS
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [base, widget, runs = '10'] = process.argv.slice(2);

const page = `<!doctype html><html><head><title>Host</title></head><body>
<h1>A host page</h1>
<script>
  window.visibleAt = null;
  new MutationObserver(() => {
    const frame = document.querySelector('iframe[data-atrium-widget]');
    if (frame && window.visibleAt === null && frame.getBoundingClientRect().height > 0) window.visibleAt = performance.now();
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
</script>
<script src="${base}/embed.js" data-widget="${widget}" async></script>
</body></html>`;
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(page);
});
await new Promise((done) => server.listen(8080, '127.0.0.1', done));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const visible = [];
const loaded = [];
try {
  for (let i = 0; i < Number(runs); i += 1) {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto('http://localhost:8080/', { waitUntil: 'load' });
    await tab.waitForFunction(() => window.visibleAt !== null, null, { timeout: 10_000 });
    visible.push(await tab.evaluate(() => window.visibleAt));
    loaded.push(await tab.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventStart));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ runs: visible.length, visible_ms: median(visible), max_visible_ms: Math.max(...visible), load_ms: median(loaded) }));
