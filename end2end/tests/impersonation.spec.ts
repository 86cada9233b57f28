import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a super admin impersonates a person read-only under a banner, is refused a change, ends it, and both see it recorded', async ({ page, browser, guard }) => {
  // The person, in their own browser.
  const person = await anotherPerson(browser);
  const email = uniqueEmail('ivy', 'impersonated.example');
  const home = await signUp(person.page, { name: 'Ivy Person', email, organization: 'Ivy Org' });

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  await page.getByTestId('people').getByRole('link', { name: 'Ivy Person' }).click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  await hydrated(page);
  const personPage = page.url();

  // A reason is required: the refusal says so, and nothing starts.
  const form = page.getByTestId('impersonate');
  await form.locator('summary').click();
  guard.allow(/status of 422/);
  await form.getByRole('button', { name: 'Start impersonating' }).click();
  await expect(form.getByRole('alert')).toContainText('Say why you need to see this person');
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);

  await form.getByLabel('Reason (they will read it)').fill('Ticket 77: they cannot find their invoices');
  await form.getByLabel('For').selectOption('15');
  await expect(form.getByLabel('Read-only: look, change nothing')).toBeChecked();
  await form.getByRole('button', { name: 'Start impersonating' }).click();

  // The page reloads as the person, at their home, under the banner.
  await page.waitForURL(`**${home}`);
  await hydrated(page);
  const banner = page.getByTestId('impersonation-banner');
  await expect(banner).toContainText(`You are seeing Atrium as Ivy Person (${email})`);
  await expect(banner).toContainText('read-only');
  await expect(page.getByRole('heading', { level: 1, name: 'Ivy Org' })).toBeVisible();

  // Every page keeps the banner; a change is refused with the reason.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await page.waitForURL(/\/members$/);
  await hydrated(page);
  await expect(banner).toBeVisible();
  guard.allow(/status of 403/);
  await page.getByLabel('Email').fill(uniqueEmail('newbie', 'impersonated.example'));
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'read-only impersonation' })).toContainText(
    'This read-only impersonation does not allow you to invite members.',
  );
  await expect(page.getByTestId('invitations')).toHaveCount(0);

  // Ending it brings the super admin back to the person's page in the console.
  await banner.getByRole('button', { name: 'End impersonation' }).click();
  await page.waitForURL(personPage);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Ivy Person' })).toBeVisible();
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);

  // The audit log names both people.
  await page.goto('/admin/audit?q=impersonation');
  await hydrated(page);
  const ended = page.locator('tr[data-action="platform.impersonation_ended"]').first();
  await expect(ended).toContainText('admin@atrium.example');
  await expect(ended.getByTestId('on-behalf-of')).toHaveText(`on behalf of ${email}`);
  const started = page.locator('tr[data-action="platform.impersonation_started"]').first();
  await expect(started).toContainText(email);
  await expect(started).toContainText('Ticket 77');

  // The person sees that it happened, by whom and why.
  await person.page.goto('/account/security');
  await hydrated(person.page);
  const entry = person.page.getByTestId('support-access-entry');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('Ticket 77: they cannot find their invoices');
  await expect(entry).toContainText('Looked only');
});
