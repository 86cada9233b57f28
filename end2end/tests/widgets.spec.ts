import { test, expect, hydrated, signIn, signUp, uniqueEmail, signInAsAdmin, anotherPerson, turnOnWhiteLabel } from './fixtures';

test('a builder makes a lead form, watches the preview follow the draft, saves, publishes and rolls back', async ({ page }) => {
  const home = await signUp(page, { name: 'Wendy Widget', email: uniqueEmail('wendy'), organization: 'Wendy Widgets', builder: true });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Widgets' }).click();
  await expect(page).toHaveURL(`${home}/widgets`);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'No widgets yet' })).toBeVisible();

  // A new widget starts from a preset; the editor opens on it.
  await page.getByLabel('Name').fill('Contact form');
  await page.getByLabel(/Lead form/).check();
  await page.getByLabel('Preset').selectOption({ label: 'Night' });
  await page.getByRole('button', { name: 'Create and open the editor' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Contact form', level: 1 })).toBeVisible();

  // The preview is the embedded runtime in a sandboxed frame, drawing the draft: behind its
  // launcher, in the stage's corner as on a page, themed, live as one types.
  const stage = page.getByTestId('widget-stage');
  const frame = page.getByTestId('widget-frame');
  await expect(frame).toHaveAttribute('sandbox', 'allow-scripts');
  await expect(frame).toHaveAttribute('src', '/embed/preview');
  const preview = frame.contentFrame();
  await preview.getByRole('button', { name: 'Contact us' }).click();
  await expect(preview.getByRole('heading', { name: 'Talk to us' })).toBeVisible();
  await expect(frame).toHaveAttribute('data-position', 'bottom_right');
  await expect.poll(async () => {
    const [s, f] = [await stage.boundingBox(), await frame.boundingBox()];
    return Math.round(s!.x + s!.width - (f!.x + f!.width));
  }, { message: 'the frame sits in the stage’s right corner (inside its border)' }).toBeLessThanOrEqual(2);
  const card = preview.locator('.aw-card');
  await expect(card).toHaveCSS('background-color', 'rgb(17, 24, 39)');
  await page.getByLabel('Title', { exact: true }).fill('Get a quote');
  await expect(preview.getByRole('heading', { name: 'Get a quote' })).toBeVisible();

  // Sandboxed: the frame runs in an opaque origin, so it reaches neither the editor nor the
  // builder's cookies, and the editor's styles do not reach the widget.
  const inside = page.frames().find((f) => f.url().endsWith('/embed/preview'))!;
  expect(await inside.evaluate(() => window.origin)).toBe('null');
  expect(await inside.evaluate(() => { try { return window.parent.document.title; } catch { return 'refused'; } })).toBe('refused');
  expect(await inside.evaluate(() => { try { return document.cookie; } catch { return 'refused'; } })).toBe('refused');
  await page.evaluate(() => document.styleSheets[0].insertRule('.aw-card, .aw-widget h2 { background: rgb(255, 0, 0) !important; color: rgb(0, 255, 0) !important; }'));
  await expect(card).toHaveCSS('background-color', 'rgb(17, 24, 39)');
  await expect(preview.getByRole('heading', { name: 'Get a quote' })).not.toHaveCSS('color', 'rgb(0, 255, 0)');
  await page.locator('#w-theme-background').fill('#ffffff');
  await page.locator('#w-theme-text').fill('#111827');
  await expect(card).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await expect(preview.getByLabel('Field 4')).toBeVisible();

  // Problems show at their field as one types, and saving waits for them.
  await page.locator('#w-theme-text').fill('#eeeeee');
  await expect(page.locator('#w-theme-text-message')).toContainText('contrast of');
  await expect(page.getByRole('button', { name: 'Save the draft' })).toBeDisabled();
  await expect(page.getByText('1 problem to fix before saving.')).toBeVisible();
  await page.locator('#w-theme-text').fill('#11182');
  await expect(page.locator('#w-theme-text-message')).toContainText('is not a color: use #rrggbb');
  await page.locator('#w-theme-text').fill('#111827');
  await expect(page.locator('#w-theme-text-message')).toHaveText('');
  await page.getByLabel('Sites allowed to embed it (one per line)').fill('shop.example.com');
  await expect(page.locator('#w-allowed_origins-message')).toContainText('Line 1: “shop.example.com” is not a site address: start it with https://');
  await page.getByLabel('Sites allowed to embed it (one per line)').fill('https://shop.example.com');
  await expect(page.locator('#w-allowed_origins-message')).toHaveText('');

  // Publishing waits for the draft to be saved.
  await expect(page.getByRole('button', { name: 'Publish the saved draft' })).toBeDisabled();
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Publish the saved draft' }).click();
  await expect(page.getByText('Published version 1.')).toBeVisible();
  await expect(page.getByTestId('versions').locator('li[data-version="1"]')).toContainText('Live');

  // Device widths: the phone stage is 375 px and the widget's frame fits inside it.
  await page.getByRole('button', { name: 'Phone' }).click();
  await expect(stage).toHaveAttribute('data-device', 'phone');
  await expect.poll(async () => (await stage.boundingBox())!.width).toBeLessThanOrEqual(376);
  expect((await frame.boundingBox())!.width).toBeLessThanOrEqual(376);

  // A second version, then back to the first: the draft becomes version 1 again.
  await page.getByLabel('Title', { exact: true }).fill('Ask us anything');
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Publish the saved draft' }).click();
  await expect(page.getByText('Published version 2.')).toBeVisible();
  await page.getByRole('button', { name: 'Roll back to version 1' }).click();
  await expect(page.getByTestId('versions').locator('li[data-version="1"]')).toContainText('Live');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Get a quote');

  // What was saved is what a reload shows; the list tells its status.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Get a quote');
  await expect(page.getByLabel('Sites allowed to embed it (one per line)')).toHaveValue('https://shop.example.com');
  await page.screenshot({ path: 'test-results/widget-editor.png', fullPage: true });
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Widgets', exact: true }).click();
  await expect(page.getByTestId('widgets').locator('tr', { hasText: 'Contact form' })).toContainText('Live · version 1');
});

test('a builder consultant edits drafts but cannot publish', async ({ page }) => {
  await signIn(page, 'ben@northwind.example');
  await page.goto('/builder/northwind/widgets');
  await hydrated(page);
  await page.getByLabel('Name').fill(`Ben's badge ${Date.now()}`);
  await page.getByLabel(/Service status badge/).check();
  await page.getByRole('button', { name: 'Create and open the editor' }).click();
  await expect(page).toHaveURL(/\/builder\/northwind\/widgets\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Save the draft' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Publish the saved draft' })).toHaveCount(0);
  await expect(page.getByTestId('widget-frame').contentFrame().getByRole('button', { name: 'Status' })).toBeVisible();
});

test('end-user workspaces have no widgets', async ({ page, guard }) => {
  guard.allow(/status of 403/);
  await signIn(page, 'cora@acme.example');
  await page.goto('/app/acme');
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Widgets' })).toHaveCount(0);
  const refused = await page.goto('/builder/acme/widgets');
  expect(refused!.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('Widgets are made in builder workspaces');
});

test('a widget that follows the workspace’s branding takes the accent and typeface a super admin sets, in the preview', async ({ page, browser }) => {
  const home = await signUp(page, { name: 'Bea Brand', email: uniqueEmail('bea'), organization: `Bea Builds ${Date.now().toString(36)}`, builder: true });
  const slug = home.split('/').pop()!;
  await page.goto(`${home}/widgets`);
  await hydrated(page);
  await page.getByLabel('Name').fill('Branded form');
  await page.getByLabel(/Lead form/).check();
  await page.getByLabel('Preset').selectOption({ label: 'Paper (in the page)' });
  await page.getByRole('button', { name: 'Create and open the editor' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
  await hydrated(page);
  const editor = page.url();
  const preview = page.getByTestId('widget-frame').contentFrame();
  const send = preview.getByRole('button', { name: 'Send' });
  await expect(send).toHaveCSS('background-color', 'rgb(180, 83, 9)');
  // An inline widget's frame is as tall as the widget, as the loader sizes it on a page.
  const frame = page.getByTestId('widget-frame');
  await expect(frame).toHaveAttribute('data-position', 'inline');
  await expect.poll(async () => {
    const inner = await preview.locator('main').evaluate((m) => Math.ceil(m.getBoundingClientRect().height));
    return Math.abs(Number(await frame.getAttribute('height')) - inner);
  }).toBeLessThanOrEqual(1);
  await expect(page.getByText('This workspace has no branding yet')).toBeVisible();

  // A super admin brands the builder's workspace.
  const admin = await anotherPerson(browser);
  await signInAsAdmin(browser, admin.page);
  await admin.page.goto(`/admin/tenants/${slug}`);
  await hydrated(admin.page);
  await turnOnWhiteLabel(admin.page);
  await admin.page.getByLabel('Accent color', { exact: true }).fill('#aa3300');
  await admin.page.getByLabel('Typeface').selectOption('system');
  await admin.page.getByRole('button', { name: 'Save branding' }).click();
  await expect(admin.page.getByText('Saved: its members see it on their next page.')).toBeVisible();
  await admin.context.close();

  // The widget keeps its own look until it follows the branding; then the preview takes it.
  await page.goto(editor);
  await hydrated(page);
  await expect(send).toHaveCSS('background-color', 'rgb(180, 83, 9)');
  await page.getByLabel('Follow the workspace’s branding').check();
  await expect(send).toHaveCSS('background-color', 'rgb(170, 51, 0)');
  await expect(preview.getByTestId('widget-view')).not.toHaveCSS('font-family', /Georgia/);
  await page.getByLabel('Follow the workspace’s branding').uncheck();
  await expect(send).toHaveCSS('background-color', 'rgb(180, 83, 9)');
});
