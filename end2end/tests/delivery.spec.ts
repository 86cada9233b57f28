import { test, expect, hydrated, signIn } from './fixtures';

// A page split out of the main WebAssembly file names the chunks it needs in one `Link`
// header, so the browser fetches them while the main file downloads; the split loader then
// uses those downloads instead of fetching again.
test('a split page preloads its chunks from its header and each is downloaded once', async ({ page }) => {
  await signIn(page, 'victor@acme.example');
  const downloads = new Map<string, number>();
  page.on('requestfinished', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/pkg\/chunk_\d+\.wasm$/.test(path)) downloads.set(path, (downloads.get(path) ?? 0) + 1);
  });
  const response = await page.goto('/app/acme/members');
  const header = (await response!.allHeaders())['link'] ?? '';
  const preloaded = [...header.matchAll(/<(\/pkg\/chunk_\d+\.wasm)>;rel=preload;as=fetch/g)].map((m) => m[1]);
  expect(preloaded.length).toBeGreaterThan(0);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
  const timings = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/pkg/chunk_')),
  );
  for (const chunk of preloaded) {
    expect(downloads.get(chunk), chunk).toBe(1);
    expect(timings.filter((p) => p === chunk), chunk).toHaveLength(1);
  }
});
