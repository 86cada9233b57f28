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

/** The size of a WebAssembly file's data section (id 11), read off its bytes. */
function dataSectionSize(bytes: Buffer): number {
  const leb = (at: number): [number, number] => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return [value, at];
    }
  };
  let total = 0;
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, start] = leb(at + 1);
    if (id === 11) total += size;
    at = start + size;
  }
  return total;
}

// The split moves each page's static data (strings, tables) out with its code; when it
// cannot (the read-only segment has no room to lay the data out again), it keeps all of
// it, 350 KB, in the main file every page loads (see SPLIT_DATA_ROOM in frontend/src/lib.rs).
test('the main WebAssembly file keeps only the data the main code uses', async ({ request }) => {
  const main = dataSectionSize(Buffer.from(await (await request.get('/pkg/atrium.wasm')).body()));
  const manifest: Record<string, string[]> = await (await request.get('/pkg/__wasm_split_manifest.json')).json();
  const workspace = Object.entries(manifest).find(([key]) => key.startsWith('workspace_pages_'));
  expect(workspace).toBeDefined();
  let split = 0;
  for (const file of workspace![1]) {
    split += dataSectionSize(Buffer.from(await (await request.get(`/pkg/${file}.wasm`)).body()));
  }
  expect(main).toBeGreaterThan(0);
  expect(main).toBeLessThan(150_000);
  expect(split).toBeGreaterThan(10_000);
});
