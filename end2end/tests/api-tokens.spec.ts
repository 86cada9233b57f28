import { test, expect, hydrated, signUp, uniqueEmail } from './fixtures';

test('an owner makes an API token, a program uses it, and revoking it stops it', async ({ page, request }) => {
  const home = await signUp(page, { name: 'Tia Token', email: uniqueEmail('tia'), organization: 'Token Works' });
  const slug = home.split('/')[2];
  await page.goto('/account/security');
  await hydrated(page);
  const section = page.getByTestId('api-tokens');
  await expect(section.getByTestId('no-tokens')).toBeVisible();

  // Just signed up: "confirm it's you" is still open, so the form shows.
  const form = section.getByTestId('new-token-form');
  await form.getByLabel('Name').fill('Usage reporter');
  await form.getByLabel('Report usage').check();
  await form.getByLabel('Read plan and usage').check();
  await form.getByRole('button', { name: 'Make the token' }).click();
  const shown = section.getByTestId('new-token');
  await expect(shown).toContainText('Copy it now: it is not shown again.');
  const token = await shown.getByLabel('The new token').inputValue();
  expect(token).toMatch(/^atr_[A-Za-z0-9_-]{43}$/);
  const row = section.getByTestId('token-list').locator('tr[data-token="Usage reporter"]');
  await expect(row).toHaveAttribute('data-state', 'active');
  await expect(row).toContainText('usage:read usage:write');

  // A program (no cookies) reports usage with it.
  const used = await request.post(`/api/v1/tenants/${slug}/usage`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { metric: 'tokens', quantity: 42, provider: 'groq' },
  });
  expect(used.status()).toBe(201);
  expect((await used.json()).used).toBe(42);
  // Its scopes do not include reading members.
  const members = await request.get(`/api/v1/tenants/${slug}/members`, { headers: { Authorization: `Bearer ${token}` } });
  expect(members.status()).toBe(403);

  await page.reload();
  await hydrated(page);
  await expect(row).not.toContainText('Never');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveAttribute('data-state', 'revoked');
  const after = await request.get(`/api/v1/tenants/${slug}/usage`, { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
  expect((await after.json()).message).toBe('This API token is not valid: it is unknown, expired or revoked.');
});
