import { test, expect, hydrated, signIn } from './fixtures';

// A page split out of the main WebAssembly file lists its area's chunks as preload links in
// its head, so the browser fetches them while the main file downloads; the split loader then
// uses those downloads instead of fetching again.
test('a split page preloads its area’s chunks from its head and each is downloaded once', async ({ page }) => {
  await signIn(page, 'victor@acme.example');
  const downloads = new Map<string, number>();
  page.on('requestfinished', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/pkg\/(chunk|split)_\w+\.wasm$/.test(path)) downloads.set(path, (downloads.get(path) ?? 0) + 1);
  });
  const response = await page.goto('/app/acme/members');
  const html = await response!.text();
  const head = html.slice(0, html.indexOf('</head>'));
  const preloaded = [...head.matchAll(/<link rel="preload" href="(\/pkg\/(?:chunk|split)_\w+\.wasm)" as="fetch"/g)].map((m) => m[1]);
  expect(preloaded.length).toBeGreaterThan(1);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
  const timings = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => /^\/pkg\/(chunk|split)_/.test(p)),
  );
  for (const chunk of preloaded) {
    expect(downloads.get(chunk), chunk).toBe(1);
    expect(timings.filter((p) => p === chunk), chunk).toHaveLength(1);
  }
  // Everything the page's area needed was preloaded: nothing was fetched that was not.
  expect([...downloads.keys()].filter((p) => !preloaded.includes(p))).toEqual([]);
});
