import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a workspace requests a service; the super admin sees it live, approves, and the workspace sees it live', async ({ page, browser }) => {
  const owner = await anotherPerson(browser);
  const home = await signUp(owner.page, { name: 'Sid Services', email: uniqueEmail('sid'), organization: 'Service Seekers' });
  const slug = home.split('/')[2];

  // The super admin's console is open before anything is requested.
  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services' }).click();
  await page.waitForURL(/\/admin\/services$/);
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const row = page.locator(`tr[data-tenant="${slug}"][data-service="Transcription"]`);
  await expect(row).toHaveCount(0);

  await owner.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services' }).click();
  await owner.page.waitForURL(/\/services$/);
  await hydrated(owner.page);
  await expect(owner.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  // A Free workspace is told what the premium service needs, with the way to get it.
  const voice = owner.page.getByTestId('catalog').locator('[data-service="Voice agent"]');
  await expect(voice.getByTestId('plan-gate')).toContainText('Voice agent needs the Pro or Enterprise plan; this organization is on Free.');
  await expect(voice.getByRole('link', { name: 'Compare plans' })).toHaveAttribute('href', `${home}/billing`);

  await owner.page.getByRole('button', { name: 'Request Transcription' }).click();
  const mine = owner.page.getByTestId('my-services').locator('[data-service="Transcription"]');
  await expect(mine.getByTestId('activation-status')).toHaveText('Requested');

  // The workspace's home, open in another tab, lists it with its status.
  const homeTab = await owner.context.newPage();
  await homeTab.goto(home);
  await hydrated(homeTab);
  await expect(homeTab.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const onHome = homeTab.getByTestId('home-services').locator('[data-service="Transcription"]');
  await expect(onHome.getByTestId('activation-status')).toHaveText('Requested');

  // It reaches the console without a reload, and the approval reaches the workspace likewise
  // (its Services page and its home).
  await expect(row.getByTestId('activation-status')).toHaveText('Requested', { timeout: 3000 });
  await row.getByRole('button', { name: /^Approve Transcription/ }).click();
  await expect(row.getByTestId('activation-status')).toHaveText('Active');
  await expect(mine.getByTestId('activation-status')).toHaveText('Active', { timeout: 3000 });
  await expect(onHome.getByTestId('activation-status')).toHaveText('Active', { timeout: 3000 });

  // The super admin suspends it; the workspace sees that too, then cancels it itself.
  await row.getByRole('button', { name: /^Suspend Transcription/ }).click();
  await expect(mine.getByTestId('activation-status')).toHaveText('Suspended', { timeout: 3000 });
  await expect(onHome.getByTestId('activation-status')).toHaveText('Suspended', { timeout: 3000 });
  await mine.getByRole('button', { name: 'Cancel: Transcription' }).click();
  await expect(row.getByTestId('activation-status')).toHaveText('Cancelled', { timeout: 3000 });
  await expect(owner.page.getByRole('button', { name: 'Request Transcription' })).toBeVisible();
  // A cancelled service leaves the home's list.
  await expect(onHome).toHaveCount(0, { timeout: 3000 });
  await owner.context.close();
});

test('the catalog editor refuses bad input by field and adds a service every workspace sees', async ({ page, browser, guard }) => {
  guard.allow(/status of 422/);
  await signInAsAdmin(browser, page);
  await page.goto('/admin/services');
  await hydrated(page);
  const name = `Data export ${Date.now().toString(36)}`;
  const form = page.getByTestId('new-service');
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Description').fill('Your data as CSV, every night.');
  await form.getByLabel('Price (USD)').fill('lots');
  await form.getByLabel('Pro', { exact: true }).check();
  await form.getByRole('button', { name: 'Add service' }).click();
  await expect(page.getByText('Enter an amount such as 49 or 49.90 (no currency sign).')).toBeVisible();
  await expect(page.getByTestId(`edit-service-${name}`)).toHaveCount(0);

  await form.getByLabel('Price (USD)').fill('15');
  await form.getByLabel('Counted').selectOption('month');
  await form.getByLabel('Pro', { exact: true }).uncheck();
  await form.getByRole('button', { name: 'Add service' }).click();
  await expect(page.getByText('Choose at least one plan whose organizations may use it.')).toBeVisible();
  await form.getByLabel('Free', { exact: true }).check();
  await form.getByRole('button', { name: 'Add service' }).click();
  await expect(page.getByText('Service saved.')).toBeVisible();
  await expect(page.getByTestId(`edit-service-${name}`)).toBeVisible();

  const member = await anotherPerson(browser);
  const home = await signUp(member.page, { name: 'Nia New', email: uniqueEmail('nia'), organization: 'New Catalog Co' });
  await member.page.goto(`${home}/services`);
  await hydrated(member.page);
  const card = member.page.getByTestId('catalog').locator(`[data-service="${name}"]`);
  await expect(card).toContainText('$15.00 per month');
  await expect(card.getByRole('button', { name: `Request ${name}` })).toBeVisible();
  await member.context.close();
});
