import type { Page } from '@playwright/test';
import { test, expect, hydrated, signIn, signInAsAdmin } from './fixtures';

test('the super admin lands on the platform console', async ({ page, browser }) => {
  await signInAsAdmin(browser, page);
  await expect(page.getByRole('heading', { level: 1, name: 'Platform overview' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Overview', 'Tenants', 'Users', 'Builders', 'Plans', 'Services', 'Support', 'Outbox', 'Audit log', 'Alerts', 'Health', 'Account', 'Security']);
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('Super Admin');
  // The demo's four variants each have a workspace; the admin just signed in, so counts today.
  for (const variant of ['Standard', 'Partner', 'Agency', 'Enterprise']) {
    await expect(page.getByTestId('tenants-by-variant').getByLabel(new RegExp(`^[1-9][0-9]* ${variant}$`))).toHaveCount(1);
  }
  const today = Number(await page.getByTestId('active-people').locator('dd').first().textContent());
  expect(today).toBeGreaterThanOrEqual(1);
  // The activity card's two groups read as two: the second is labelled, and set further
  // apart from the first than the rows within a group are from each other.
  const activity = page.getByRole('region', { name: 'Activity' });
  await expect(activity.getByRole('term')).toHaveText(['Live sessions', 'Sign-ins, last 24 h', 'Active today', 'Active this week', 'Active this month']);
  await expect(activity.getByText('People who signed in', { exact: true })).toBeVisible();
  const rows = await activity.getByRole('term').evaluateAll((terms) => terms.map((t) => t.getBoundingClientRect()));
  const rowGap = rows[1].top - rows[0].bottom;
  const groupGap = rows[2].top - rows[1].bottom;
  expect(groupGap).toBeGreaterThan(rowGap + 16);
  // Twelve months of growth, this month first: the demo's people and tenants joined in it.
  const growth = page.getByTestId('growth').locator('tbody tr');
  await expect(growth).toHaveCount(12);
  await expect(growth.first().getByLabel(/: [1-9][0-9,]* new people$/)).toHaveCount(1);
  await expect(growth.first().getByLabel(/: [1-9][0-9,]* new tenants$/)).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Top usage this month' })).toBeVisible();
  // The demo's tenants are the oldest.
  await page.goto('/admin/tenants?sort=oldest');
  for (const name of ['Northwind Agency', 'Initech Partners', 'Acme Corp', 'Globex Enterprise']) {
    await expect(page.getByTestId('tenants')).toContainText(name);
  }
});

test('a builder lands on their builder workspace with builder navigation', async ({ page }) => {
  await signIn(page, 'bea@northwind.example');
  await expect(page).toHaveURL(/\/builder\/northwind$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Northwind Agency' })).toBeVisible();
  await expect(page.getByText('Agency builder workspace · you are Owner')).toBeVisible();
  // An agency's navigation leads with the customers it delivers for.
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link')).toHaveText(['Home', 'Customers', 'Projects', 'Widgets', 'Contacts', 'Command center', 'Templates', 'Marketplace', 'Members', 'Services', 'Plan & usage', 'Support', 'API keys', 'Audit log', 'Account', 'Security']);
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toHaveText(/^Builder\s*Northwind Agency$/);
});

test('an end user sees their organization, role and permissions', async ({ page }) => {
  await signIn(page, 'victor@acme.example');
  await expect(page).toHaveURL(/\/app\/acme$/);
  await expect(page.getByText('you are Viewer')).toBeVisible();
  const permissions = page.getByTestId('permissions');
  await expect(permissions.locator('li.held')).toHaveCount(2);
  await expect(permissions).toContainText('Not allowed: Invite members');
  await expect(page.getByTestId('member-count')).toHaveText('5');
});

test('switching organization moves the URL and the navigation', async ({ page }) => {
  await signIn(page, 'olivia@acme.example');
  await page.getByTestId('org-switcher').locator('summary').click();
  await page.getByRole('link', { name: /Globex Enterprise/ }).click();
  await page.waitForURL('**/app/globex');
  await expect(page.getByRole('heading', { level: 1, name: 'Globex Enterprise' })).toBeVisible();
  await expect(page.getByText('you are Viewer')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' })).toHaveAttribute(
    'href',
    '/app/globex/members',
  );
});

test('switching persona moves between the builder and end-user dashboards', async ({ page }) => {
  await signIn(page, 'max@northwind.example');
  await expect(page).toHaveURL(/\/builder\/northwind$/);
  await page.getByTestId('persona-switcher').locator('summary').click();
  await page.getByTestId('persona-switcher').getByRole('link', { name: 'End User' }).click();
  await page.waitForURL('**/app/acme');
  await expect(page.getByTestId('persona-switcher').locator('summary')).toHaveText('End User');
  await expect(page.getByText('you are Viewer')).toBeVisible();
});

test('a phone gets the same pages, with the sidebar as a row of tabs', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'olivia@acme.example');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const box = await nav.boundingBox();
  expect(box!.width).toBeGreaterThan(300);
  await page.goto('/app/acme/members');
  await hydrated(page);
  const tableOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(tableOverflow, 'wide tables scroll inside their panel, not the page').toBeLessThanOrEqual(0);
  // The members table needs no sideways scroll at all: each member is a card, and every
  // control on it (the role and its Save, Remove) is on the screen without scrolling.
  expect(await page.getByTestId('members').locator('tbody tr').count()).toBeGreaterThan(2);
  await everyCardFits(page, 'members');
  await page.screenshot({ path: testInfo.outputPath('phone-members.png'), fullPage: true });
  // So are the end user's tickets, invoices and signed-in devices, every column shown (the
  // invoice's total and the device's last activity too).
  for (const [path, table] of [
    ['/app/acme/support', 'tickets'],
    ['/app/acme/billing', 'invoices'],
    ['/account/security', 'sessions'],
  ]) {
    await page.goto(path);
    await hydrated(page);
    await everyCardFits(page, table);
  }
});

/** Each row of the table `testid` is a card on the phone: the table does not scroll
 * sideways, every cell and control lies within the screen's 390 px, and each line that has a
 * column's name shows it before its value. */
async function everyCardFits(page: Page, testid: string) {
  const table = page.getByTestId(testid);
  const sideways = await table.evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
  expect(sideways, `the ${testid} table fits the phone`).toBeLessThanOrEqual(0);
  const rows = await table.locator('tbody tr').all();
  expect(rows.length, `${testid} has rows`).toBeGreaterThan(0);
  for (const row of rows) {
    for (const part of await row.locator('td, select, button, a').all()) {
      const box = await part.boundingBox();
      expect(box, `every cell of ${testid} shows`).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    for (const cell of await row.locator('td[data-label]').all()) {
      const [label, drawn] = await cell.evaluate((c) => [c.dataset.label, getComputedStyle(c, '::before').content]);
      expect(drawn).toBe(`"${label}"`);
    }
  }
}

test('dark mode is remembered across pages', async ({ page }) => {
  await signIn(page, 'olivia@acme.example');
  await page.getByTestId('user-menu').locator('summary').click();
  // The page turns dark at once; the choice is remembered when the server's answer sets
  // the cookie, which a reload must not overtake.
  const saved = page.waitForResponse('**/rpc/set_theme');
  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect((await saved).ok()).toBe(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 20, 25)');
  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByRole('button', { name: 'System' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.*/);
});

