import { test, expect, hydrated, signIn, anotherPerson } from './fixtures';

test('sessions are listed, another one can be ended, and signing out everywhere ends them all', async ({ page, browser }) => {
  const phone = await anotherPerson(browser);
  await signIn(phone.page, 'cora@acme.example');
  await signIn(page, 'cora@acme.example');
  await page.goto('/account/security');
  await hydrated(page);
  const sessions = page.getByTestId('sessions');
  await expect(sessions.getByText('This device')).toHaveCount(1);
  const before = await sessions.locator('tbody tr').count();
  expect(before).toBeGreaterThanOrEqual(2);
  await sessions.getByRole('button', { name: 'Sign out this session' }).first().click();
  await expect(sessions.locator('tbody tr')).toHaveCount(before - 1);

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL('**/login');
  await phone.page.goto('/account/security');
  await phone.page.waitForURL(/\/login/);
  await phone.context.close();
});

test('the account page shows the profile and organizations', async ({ page }) => {
  await signIn(page, 'olivia@acme.example');
  await page.goto('/account');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Profile' })).toBeVisible();
  const profile = page.getByRole('region', { name: 'Profile' });
  await expect(profile).toContainText('olivia@acme.example');
  await expect(profile.getByRole('link', { name: 'Globex Enterprise' })).toBeVisible();
});
