// Embedding: a builder publishes a lead form and copies its script tag into a page served
// from another origin (a plain HTML page with hostile CSS and nothing else); a visitor there
// sends the form, and the contact appears live on the builder's Contacts page. A page on an
// origin the widget does not allow gets no widget.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, hydrated, signUp, uniqueEmail } from './fixtures';

/** Serves `html` at / on a port of its own; `localhost` is another site than 127.0.0.1. */
async function hostPage(html: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://localhost:${port}`, server };
}

// CSS of a careless host page: none of it may reach the widget or squash its frame.
const HOSTILE_CSS = `
  * { font-family: "Comic Sans MS", cursive !important; color: #ff00ff !important; }
  button { display: none !important; }
  iframe { border: 12px solid red; width: 10px; height: 10px; }
`;

test('a lead form embedded on another site sends a contact that appears live; other sites get nothing', async ({ page, context, guard }) => {
  let snippet = '';
  const allowed = await hostPage(() => `<!doctype html><html><head><title>Shop</title><style>${HOSTILE_CSS}</style></head>
    <body><h1>Our shop</h1><p>Prices and things.</p>${snippet}</body></html>`);
  let hideReferrer = false;
  const elsewhere = await hostPage(() => `<!doctype html><html><head><title>Elsewhere</title>
    ${hideReferrer ? '<meta name="referrer" content="no-referrer">' : ''}</head>
    <body><h1>Not allowed</h1>${snippet}</body></html>`);
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const home = await signUp(page, { name: 'Erin Embed', email: uniqueEmail('erin'), organization: 'Erin Embeds', builder: true });

    // A lead form allowed on the shop's origin, saved and published.
    await page.goto(`${home}/widgets`);
    await hydrated(page);
    await page.getByLabel('Name').fill('Shop contact form');
    await page.getByLabel(/Lead form/).check();
    await page.getByRole('button', { name: 'Create and open the editor' }).click();
    await expect(page).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
    await hydrated(page);
    await expect(page.getByTestId('embed-codes')).toHaveCount(0);
    await page.getByLabel('Sites allowed to embed it (one per line)').fill(allowed.origin);
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await expect(page.getByText('Draft saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Publish the saved draft' }).click();
    await expect(page.getByText('Published version 1.')).toBeVisible();

    // The embed codes: the script tag is copied as shown.
    const codes = page.getByTestId('embed-codes');
    await expect(codes).toBeVisible();
    const script = codes.getByLabel(/Script tag/);
    snippet = await script.inputValue();
    expect(snippet).toMatch(/^<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-widget="[0-9a-f-]{36}" data-title="Shop contact form" async><\/script>$/);
    await expect(codes.getByLabel(/Iframe/)).toHaveValue(/<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/[0-9a-f-]{36}"/);
    await codes.getByRole('button', { name: 'Copy' }).first().click();
    await expect(codes.getByText('Copied.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);

    // The builder watches the widget's analytics in a second tab, and the Contacts page.
    const editor = await context.newPage();
    await editor.goto(page.url());
    await hydrated(editor);
    const stat = (key: string) => editor.getByTestId('widget-analytics').locator(`[data-stat="${key}"] dd`);
    await expect(stat('impressions')).toHaveText('0');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await expect(page).toHaveURL(`${home}/contacts`);
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'No contacts yet' })).toBeVisible();

    // A visitor on the shop's page: the widget floats in the corner behind its launcher.
    const visitor = await context.newPage();
    const started = Date.now();
    await visitor.goto(allowed.origin);
    const frameElement = visitor.locator('iframe[data-atrium-widget]');
    const widget = visitor.frameLocator('iframe[data-atrium-widget]');
    const launcher = widget.getByRole('button', { name: 'Contact us' });
    await expect(launcher).toBeVisible();
    const visibleAfter = Date.now() - started;
    await expect(frameElement).toHaveAttribute('title', 'Shop contact form');
    await expect(frameElement).toHaveCSS('position', 'fixed');
    await expect(frameElement).toHaveCSS('border-top-width', '0px');
    // Host CSS does not reach inside: the launcher keeps the theme's colors and font.
    await expect(launcher).toHaveCSS('background-color', 'rgb(37, 99, 235)');
    await expect(launcher).toHaveCSS('color', 'rgb(255, 255, 255)');
    expect(await launcher.evaluate((el) => getComputedStyle(el).fontFamily)).not.toContain('Comic');
    // Nor does the widget reach out: the host page's own text keeps the host's style.
    await expect(visitor.getByRole('heading', { name: 'Our shop' })).toHaveCSS('color', 'rgb(255, 0, 255)');

    await widget.locator('body[data-hydrated="true"]').waitFor();
    await launcher.click();
    await expect(widget.getByRole('heading', { name: 'Talk to us' })).toBeVisible();
    // The frame grew to the open card.
    expect((await frameElement.boundingBox())!.height).toBeGreaterThan(300);

    // The shared rules run in the widget before anything is sent.
    await widget.getByLabel('Your name *').fill('Vera Visitor');
    await widget.getByLabel('Work email *').fill('vera@');
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect(widget.getByLabel('Work email *')).toHaveAttribute('aria-invalid', 'true');
    await expect(widget.locator('#aw-field-email-message')).not.toBeEmpty();
    await widget.getByLabel('Work email *').fill('vera@visitor.example');
    await widget.getByLabel('How can we help?').fill('A quote for 40 seats');
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect(widget.getByText('Thanks! We will be in touch shortly.')).toBeVisible();
    await visitor.screenshot({ path: 'test-results/embed-host-page.png' });

    // The counters moved live: one impression, one interaction, one sent.
    await expect(stat('impressions')).toHaveText('1');
    await expect(stat('interactions')).toHaveText('1');
    await expect(stat('submissions')).toHaveText('1');
    await expect(stat('conversion')).toHaveText('100.0 %');
    await expect(stat('p50')).toHaveText(/^≤ \d+ ms$/);
    await expect(editor.getByTestId('widget-sites')).toContainText(allowed.origin);

    // The builder sees the contact arrive without reloading.
    const row = page.getByTestId('contacts').locator('tr[data-contact="vera@visitor.example"]');
    await expect(row).toBeVisible();
    await expect(row).toContainText('Vera Visitor');
    await expect(row).toContainText('A quote for 40 seats');
    await expect(row).toContainText(`Shop contact form on ${allowed.origin}`);

    // A page on a site the widget does not allow gets no widget: the server says so in the
    // frame when the browser names the page's site (a 403)…
    guard.allow(/status of 403/);
    const stranger = await context.newPage();
    await stranger.goto(elsewhere.origin);
    const refusal = stranger.frameLocator('iframe[data-atrium-widget]').getByRole('status');
    await expect(refusal).toContainText(`This widget may not be shown on ${elsewhere.origin}`);
    await expect(stranger.frameLocator('iframe[data-atrium-widget]').locator('.aw-widget')).toHaveCount(0);
    // …and when the page hides its address, the browser refuses the frame (frame-ancestors).
    guard.allow(/Refused to frame|frame-ancestors/);
    hideReferrer = true;
    const hidden = await context.newPage();
    await hidden.goto(elsewhere.origin);
    await expect.poll(() => hidden.frames().some((f) => f.url().startsWith('chrome-error://'))).toBe(true);
    expect(hidden.frames().some((f) => f.url().includes('/embed/'))).toBe(false);

    test.info().annotations.push({ type: 'widget visible after host page load (ms)', description: String(visibleAfter) });
  } finally {
    allowed.server.close();
    elsewhere.server.close();
  }
});
