import { test, expect, hydrated, signIn, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a super admin suspends a tenant: its members see a clear page until it is reactivated', async ({ page, browser }) => {
  const member = await anotherPerson(browser);
  await signUp(member.page, { name: 'Sue Spender', email: uniqueEmail('sue'), organization: 'Suspend Me' });
  const home = new URL(member.page.url()).pathname;
  const slug = home.split('/')[2];

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants?q=${slug}`);
  await hydrated(page);
  const row = page.getByTestId('tenants').locator(`tr[data-slug="${slug}"]`);
  await row.getByRole('button', { name: 'Suspend' }).click();
  await expect(row.getByText('suspended')).toBeVisible();

  await member.page.reload();
  await expect(member.page.getByRole('heading', { name: 'Workspace suspended' })).toBeVisible();
  await expect(member.page.getByText('Suspend Me is suspended')).toBeVisible();

  await row.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row.getByText('active')).toBeVisible();
  await member.page.reload();
  await hydrated(member.page);
  await expect(member.page.getByRole('heading', { level: 1, name: 'Suspend Me' })).toBeVisible();
  await member.context.close();
});

test('people who are not super admins get a refusal, not the console', async ({ page, guard }) => {
  guard.allow(/status of 403/);
  await signIn(page, 'olivia@acme.example');
  const response = await page.goto('/admin');
  expect(response!.status()).toBe(403);
  await expect(page.getByText('only for super admins')).toBeVisible();
});

test('the overview counts a new tenant live, without a reload', async ({ page, browser }) => {
  await signInAsAdmin(browser, page);
  await page.goto('/admin');
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const count = page.getByTestId('tenant-count');
  const before = Number(await count.textContent());

  // Someone signs up elsewhere: the open overview counts their workspace once changes settle.
  const person = await anotherPerson(browser);
  await signUp(person.page, { name: 'Liv Live', email: uniqueEmail('liv'), organization: `Live Org ${Date.now().toString(36)}` });
  await expect(count).toHaveText(String(before + 1), { timeout: 10_000 });
  await person.context.close();
});

test('the overview ranks this month\'s top usage with each tenant\'s figures on one line under its name', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAsAdmin(browser, page);
  await page.goto('/admin');
  await hydrated(page);
  const entries = page.getByTestId('top-usage').locator('li');
  await expect(entries.first()).toBeVisible();
  await expect(entries.first().getByRole('link', { name: 'Acme' })).toBeVisible();
  for (const entry of await entries.all()) {
    const [name, figures] = await entry.evaluate((li) => {
      const box = (el: Element) => el.getBoundingClientRect();
      const figures = li.querySelector('.figures')!;
      const line = parseFloat(getComputedStyle(figures).lineHeight);
      return [box(li.querySelector('a')!), { ...box(figures).toJSON(), line }];
    });
    expect(figures.top).toBeGreaterThanOrEqual(name.bottom - 1);
    expect(figures.height).toBeLessThan(1.5 * figures.line);
  }
});
