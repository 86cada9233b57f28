import { readFileSync } from 'node:fs';
import type { Locator } from '@playwright/test';
import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson, turnOnWhiteLabel, PASSWORD } from './fixtures';

test('a super admin creates a tenant, its invited owner takes it, and the admin renames it and changes its variant', async ({ page, browser, guard }) => {
  const stamp = Date.now().toString(36);
  const name = `Umbrella ${stamp}`;
  const slug = `umbrella-${stamp}`;
  const ownerEmail = uniqueEmail('ceo', 'umbrella.example');

  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
  await page.waitForURL(/\/admin\/tenants$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Tenants' })).toBeVisible();

  // A bad email is named on its field, and nothing is created.
  const form = page.getByTestId('new-tenant');
  await form.locator('summary').click();
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Variant').selectOption('enterprise');
  await form.getByLabel('Owner’s email').fill('not-an-email');
  guard.allow(/status of 422/);
  await form.getByRole('button', { name: 'Create and invite the owner' }).click();
  await expect(form.locator('.field.invalid')).toHaveCount(1);
  await expect(form.locator('.field.invalid')).toContainText('Owner’s email');

  await form.getByLabel('Owner’s email').fill(ownerEmail);
  await form.getByRole('button', { name: 'Create and invite the owner' }).click();
  const created = page.getByTestId('tenant-created');
  await expect(created).toContainText(`${name} is created. ${ownerEmail} is invited as its owner`);
  const link = (await page.getByTestId('owner-invitation-link').textContent())!.trim();
  expect(link).toContain('/invite/');

  // The new tenant heads the list (newest first) and has no member yet.
  const row = page.getByTestId('tenants').locator(`tr[data-slug="${slug}"]`);
  await expect(row).toContainText('Enterprise');
  await expect(row).toContainText('Free');
  await row.getByRole('link', { name }).click();
  await page.waitForURL(`**/admin/tenants/${slug}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('tenant-no-members')).toBeVisible();
  await expect(page.getByTestId('tenant-invitations')).toContainText(`${ownerEmail} as Owner`);

  // The owner follows the link, creates an account and lands in the workspace.
  const owner = await anotherPerson(browser);
  await owner.page.goto(new URL(link).pathname);
  await hydrated(owner.page);
  await owner.page.getByLabel('Your name').fill('Cee Eo');
  await owner.page.getByLabel('Choose a password').fill(PASSWORD);
  await owner.page.getByRole('button', { name: /Create account and join/ }).click();
  await owner.page.waitForURL(`**/app/${slug}`);
  await expect(owner.page.getByRole('heading', { level: 1, name })).toBeVisible();
  // An Enterprise organization's navigation leads with its processes, its home with governance.
  const entries = owner.page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  await expect(entries.nth(0)).toHaveText('Home');
  await expect(entries.nth(1)).toHaveText('Command center');
  const leading = owner.page.getByTestId('home-leading').locator(':scope > section');
  await expect(leading.first()).toHaveAttribute('aria-labelledby', 'governance-card');
  await expect(owner.page.getByTestId('two-factor-share')).toHaveText('0 of 1 member (0 %)');
  await expect(owner.page.getByTestId('two-factor-required')).toContainText('Not required');
  await expect(owner.page.getByTestId('audit-entries')).toContainText(/\d+ entr(y|ies)/);

  // The admin renames it; a builder variant is not offered for an organization.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('tenant-members')).toContainText('Cee Eo');
  const variants = page.getByLabel('Variant', { exact: true });
  await expect(variants.locator('option')).toHaveText(['Standard', 'Enterprise']);
  await page.getByLabel('Name', { exact: true }).fill(`${name} Global`);
  await variants.selectOption('standard');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${name} Global` })).toBeVisible();
  await expect(page.getByTestId('tenant-facts')).toContainText('Standard');

  // The plan is set here too.
  await page.getByLabel('Plan', { exact: true }).selectOption('pro');
  await page.getByRole('button', { name: 'Set plan' }).click();
  await expect(page.getByLabel('Plan', { exact: true })).toHaveValue('pro');

  // Its owner sees the new name on their next page, and a Standard organization's
  // navigation and home: its services first, no governance panel.
  await owner.page.reload();
  await expect(owner.page.getByRole('heading', { level: 1, name: `${name} Global` })).toBeVisible();
  await expect(entries.nth(1)).toHaveText('Services');
  await expect(entries.nth(2)).toHaveText('Plan & usage');
  await expect(owner.page.getByTestId('governance')).toHaveCount(0);
  await expect(leading.first()).toHaveAttribute('aria-labelledby', 'my-services-card');
  await owner.context.close();

  // The list finds it by its address and by its variant and plan.
  await page.goto(`/admin/tenants?q=${slug}&variant=standard&plan=pro`);
  await hydrated(page);
  await expect(page.getByTestId('tenants-total')).toHaveText('1 tenant match');
  // …and downloads that search as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('tenants-csv').click()]);
  expect(download.suggestedFilename()).toBe('atrium-tenants.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('name,address,variant,plan,status,members,commission,created,id');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toMatch(new RegExp(`^${name} Global,${slug},standard,pro,active,1,,`));
  await page.goto(`/admin/tenants?q=${slug}&variant=enterprise`);
  await expect(page.getByTestId('no-tenants')).toBeVisible();
});

test('a super admin reads each builder’s customers, deployments and earnings, and sets its rate there', async ({ page, browser, guard }) => {
  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Builders' }).click();
  await page.waitForURL(/\/admin\/builders$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Builders' })).toBeVisible();

  // The demo's Northwind builds for Acme, whose invoice earned it its commission.
  const northwind = page.getByTestId('builders').locator('tr[data-slug="northwind"]');
  await expect(northwind).toContainText('Agency');
  await expect(northwind).toContainText(/[1-9][0-9]* active · [0-9]+ waiting/);
  await expect(northwind).toContainText(/[1-9][0-9]* live/);
  await expect(northwind.getByTestId('builder-revenue')).toHaveText(/^\$[0-9,]+\.[0-9]{2}/);
  await northwind.getByText(/[0-9]+ months?/).click();
  await expect(northwind.getByTestId('builder-months').locator('li').first()).toContainText('earned');
  // End-user organizations are not builders.
  await expect(page.getByTestId('builders').locator('tr[data-slug="acme"]')).toHaveCount(0);
  // The table downloads as CSV, a line per builder and month.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('builders-csv').click()]);
  expect(download.suggestedFilename()).toBe('atrium-builders.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('builder,address,variant,active customers,waiting customers,live deployments,open deployments,commission rate,month,currency,revenue,commission,invoices');
  expect(csv.some((line) => /^Northwind[^,]*,northwind,agency,[1-9]/.test(line) && /,[0-9]{4}-[0-9]{2},usd,[0-9]+\.[0-9]{2},[0-9]+\.[0-9]{2},[1-9][0-9]*$/.test(line))).toBe(true);
  expect(csv.some((line) => line.includes(',acme,'))).toBe(false);

  // The rate is edited in place; a bad one is refused with the reason.
  const initech = page.getByTestId('builders').locator('tr[data-slug="initech"]');
  const field = initech.getByLabel('Commission of Initech Partners (%)');
  guard.allow(/status of 422/);
  await field.fill('101');
  await initech.getByRole('button', { name: 'Save the commission of Initech Partners' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'is not a commission rate' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(field).toHaveValue(/^[0-9]+(\.[0-9]+)?$/);
  await expect(field).not.toHaveValue('101');
});

test('a super admin brands a tenant with a live preview; its member’s pages take the accent and typeface', async ({ page, browser }) => {
  const member = await anotherPerson(browser);
  const home = await signUp(member.page, { name: 'Bree Brand', email: uniqueEmail('bree'), organization: `Brand Me ${Date.now().toString(36)}` });
  const slug = home.split('/').pop()!;
  const accentOf = (target: Locator) => target.evaluate((el) => getComputedStyle(el).getPropertyValue('--accent').trim());
  const platformAccent = await accentOf(member.page.locator('.app'));

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  // On the Free plan its members would not see a branding: the page says so, until the
  // feature is switched on for the tenant.
  await expect(page.getByTestId('branding-hidden')).toContainText('White-label branding is off for this tenant');
  await turnOnWhiteLabel(page);
  const preview = page.getByTestId('brand-preview');
  const accent = page.getByLabel('Accent color', { exact: true });

  // A bad color is named as it is typed, and cannot be saved.
  await accent.fill('blue');
  await expect(page.locator('#brand-accent-message')).toContainText('is not a color');
  await expect(page.getByRole('button', { name: 'Save branding' })).toBeDisabled();

  // The preview follows the form before anything is saved.
  await accent.fill('#aa3300');
  await page.getByLabel('Typeface').selectOption('serif');
  await expect.poll(() => accentOf(preview)).toBe('#aa3300');
  await expect(preview.getByRole('button', { name: 'Primary action' })).toHaveCSS('background-color', 'rgb(170, 51, 0)');
  await expect(preview).toHaveCSS('font-family', /Georgia/);
  await member.page.reload();
  expect(await accentOf(member.page.locator('.app'))).toBe(platformAccent);

  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText('Saved: its members see it on their next page.')).toBeVisible();

  // The member's next page carries it.
  await member.page.reload();
  await hydrated(member.page);
  await expect.poll(() => accentOf(member.page.locator('.app'))).toBe('#aa3300');
  await expect(member.page.locator('.app')).toHaveCSS('font-family', /Georgia/);
  await member.context.close();
});

test('a super admin deletes a tenant: suspended, exported, its address typed again; its member’s workspace is gone', async ({ page, browser, guard }) => {
  const member = await anotherPerson(browser);
  const home = await signUp(member.page, { name: 'Gone Soon', email: uniqueEmail('gone'), organization: `Gone ${Date.now().toString(36)}` });
  const slug = home.split('/').pop()!;

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  const zone = page.locator('section.danger-zone');
  await expect(zone.getByTestId('delete-blocker')).toContainText('Suspend the tenant first');
  const button = zone.getByTestId('delete-tenant');
  const confirm = zone.getByLabel(`Type “${slug}” to confirm`);

  // The button waits for the address; an active tenant is refused by the server.
  await confirm.fill(slug.slice(0, -1));
  await expect(button).toBeDisabled();
  await confirm.fill(slug);
  guard.allow(/status of 409/);
  await button.click();
  await expect(zone.getByRole('alert')).toContainText('Suspend the tenant first');

  // Suspended, but not exported: refused again, with the step it waits for.
  await page.getByRole('button', { name: 'Suspend' }).click();
  await expect(page.getByTestId('tenant-facts')).toContainText('suspended');
  await expect(zone.getByTestId('delete-blocker')).toContainText('Export its data first');
  await expect(zone.getByTestId('delete-steps')).toContainText('Not exported yet.');

  // The export downloads as lines of JSON naming the tenant and its member.
  const downloading = page.waitForEvent('download');
  await zone.getByTestId('tenant-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^atrium-${slug}-\\d{8}-\\d{4}\\.jsonl$`));
  const lines = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  expect(lines[0].tenant.slug).toBe(slug);
  expect(lines.some((line) => line.table === 'members' && line.row.name === 'Gone Soon')).toBe(true);
  expect(lines.at(-1)).toMatchObject({ end: true, rows: lines.length - 2 });

  await page.reload();
  await hydrated(page);
  await expect(zone.getByTestId('delete-steps')).toContainText('Last exported');
  await expect(zone.getByTestId('delete-blocker')).toHaveCount(0);
  await zone.getByLabel(`Type “${slug}” to confirm`).fill(slug);
  await zone.getByTestId('delete-tenant').click();
  await page.waitForURL(`**/admin/tenants?deleted=${slug}`);
  await expect(page.getByTestId('tenant-deleted')).toContainText(`Deleted “${slug}”`);
  await expect(page.getByTestId('tenants').locator(`tr[data-slug="${slug}"]`)).toHaveCount(0);

  // Its member's workspace is gone; their account is not.
  guard.allow(/status of 404/);
  const response = await member.page.goto(home);
  expect(response!.status()).toBe(404);
  await member.context.close();
});

test('a super admin uploads a logo: checked as it is chosen, previewed before sending, then in its member’s top bar', async ({ page, browser }) => {
  const member = await anotherPerson(browser);
  const home = await signUp(member.page, { name: 'Lola Logo', email: uniqueEmail('lola'), organization: `Logo Co ${Date.now().toString(36)}` });
  const slug = home.split('/').pop()!;
  await expect(member.page.getByTestId('workspace-logo')).toHaveCount(0);
  // A 2×1 PNG, so the browser can draw it.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAADklEQVR4nGP4z8AAQv8BD/kD/YURmXYAAAAASUVORK5CYII=', 'base64');

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  await turnOnWhiteLabel(page);
  const form = page.getByTestId('logo-form');
  const preview = page.getByTestId('brand-preview');

  // An SVG is refused as soon as it is chosen, and the preview shows nothing of it.
  await form.getByLabel('Logo').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await expect(page.getByTestId('logo-error')).toHaveText('Error 415 · “logo.svg” is not an image a page shows: choose a PNG, JPEG, GIF or WebP logo.');
  await expect(preview.getByTestId('brand-preview-logo')).toHaveCount(0);

  // A PNG shows in the preview before it is sent.
  await form.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('logo-error')).toBeHidden();
  await expect(preview.getByTestId('brand-preview-logo')).toHaveAttribute('src', /^blob:/);
  await member.page.reload();
  await expect(member.page.getByTestId('workspace-logo')).toHaveCount(0);

  await form.getByRole('button', { name: 'Upload the logo' }).click();
  const saved = preview.getByTestId('brand-preview-logo');
  await expect(saved).toHaveAttribute('src', new RegExp(`^/api/v1/platform/tenants/${slug}/logo\\?v=[0-9a-f]{16}$`));
  await expect.poll(() => saved.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  await expect(page.getByRole('button', { name: 'Remove the logo' })).toBeVisible();

  // The member's top bar shows it, drawn, with the workspace's name beside it.
  await member.page.reload();
  await hydrated(member.page);
  const logo = member.page.getByTestId('workspace-logo');
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  await expect(member.page.locator('header.topbar .brand')).toContainText('Logo Co');

  // Removed, the platform's mark is back.
  await page.getByRole('button', { name: 'Remove the logo' }).click();
  await expect(preview.getByTestId('brand-preview-logo')).toHaveCount(0);
  await member.page.reload();
  await expect(member.page.getByTestId('workspace-logo')).toHaveCount(0);
  await expect(member.page.locator('header.topbar .brand')).toContainText('Atrium');
  await member.context.close();
});

test('a super admin switches a feature on for one tenant: its member uses it at once; back to its plan, it is refused again', async ({ page, browser, guard }) => {
  guard.allow(/status of 403/);
  const member = await anotherPerson(browser);
  const home = await signUp(member.page, { name: 'Fern Feature', email: uniqueEmail('fern'), organization: `Feature Me ${Date.now().toString(36)}` });
  const slug = home.split('/').pop()!;
  const createTemplate = async (name: string) => {
    await member.page.goto(`${home}/templates`);
    await hydrated(member.page);
    await member.page.getByLabel('Name', { exact: true }).fill(name);
    await member.page.getByLabel(/^Definition/).fill('{"phases": [{"key": "H1", "name": "Hand-off", "steps": [{"key": "ok", "name": "Signed off", "kind": "approval"}]}]}');
    await member.page.getByRole('button', { name: 'Create the template' }).click();
  };
  const refusal = '“Custom process templates” is not part of the Free plan: upgrade to Pro to use it.';

  // On the Free plan the member's own template is refused, saying which plan has it.
  await createTemplate('Too early');
  await expect(member.page.getByRole('alert').filter({ hasText: refusal })).toBeVisible();

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  const panel = page.getByRole('region', { name: 'Features' });
  const row = panel.locator('tr[data-feature="custom_templates"]');
  await expect(row).toContainText('Not included');
  await expect(row.locator('.badge')).toHaveText('off');
  await page.getByLabel('Custom process templates').selectOption('on');
  await panel.getByRole('button', { name: 'Save features' }).click();
  await expect(row.locator('.badge')).toHaveText('on');
  await expect(page.getByLabel('Custom process templates')).toHaveValue('on');

  // The member's next try goes through.
  await createTemplate('Now allowed');
  await member.page.waitForURL(/\/templates\/[0-9a-f-]+$/);

  // Back to what the plan says: refused again.
  await page.getByLabel('Custom process templates').selectOption('plan');
  await panel.getByRole('button', { name: 'Save features' }).click();
  await expect(row.locator('.badge')).toHaveText('off');
  await createTemplate('Too late');
  await expect(member.page.getByRole('alert').filter({ hasText: refusal })).toBeVisible();
  await member.context.close();
});
