import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a super admin grants credits; usage with a provider cost takes from them, live on the tenant\'s page', async ({ page, browser, guard }) => {
  guard.allow(/status of 422/);
  const owner = await anotherPerson(browser);
  const home = await signUp(owner.page, { name: 'Cleo Credits', email: uniqueEmail('cleo'), organization: 'Credit Seekers' });
  const slug = home.split('/')[2];
  await owner.page.goto(`${home}/billing`);
  await hydrated(owner.page);
  await expect(owner.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  await expect(owner.page.getByTestId('credit-balance')).toHaveText('$0.00');

  await signInAsAdmin(browser, page);
  await page.goto('/admin/plans');
  await hydrated(page);
  const row = page.getByTestId('tenant-plans').locator(`tr[data-slug="${slug}"]`);
  await row.getByLabel('Entry').selectOption('grant');
  await row.getByLabel('Amount (USD)').fill('lots');
  await row.getByLabel('Note').fill('Welcome');
  await row.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('Enter an amount such as 49 or 49.90 (no currency sign).')).toBeVisible();
  await row.getByLabel('Amount (USD)').fill('20');
  await row.getByRole('button', { name: 'Apply' }).click();
  await expect(row.getByTestId('tenant-credits')).toHaveText('$20.00');

  // The tenant's page follows without a reload, then a metered cost is taken from it.
  await expect(owner.page.getByTestId('credit-balance')).toHaveText('$20.00', { timeout: 3000 });
  await expect(owner.page.getByTestId('credit-entries')).toContainText('Grant: Welcome');
  const status = await owner.page.evaluate(async (slug) => {
    const response = await fetch(`/api/v1/tenants/${slug}/usage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ metric: 'tokens', quantity: 500, provider: 'groq', cost_minor: 350 }),
    });
    return response.status;
  }, slug);
  expect(status).toBe(201);
  await expect(owner.page.getByTestId('credit-balance')).toHaveText('$16.50', { timeout: 3000 });
  await expect(owner.page.getByTestId('credit-entries')).toContainText('Used: 500 tokens via groq');
  await owner.context.close();
});

test('an owner buys a pack of credits; a declined card adds nothing', async ({ page, guard }) => {
  guard.allow(/status of 402/);
  await page.setViewportSize({ width: 1400, height: 900 });
  const home = await signUp(page, { name: 'Petra Packs', email: uniqueEmail('petra'), organization: 'Pack Buyers' });
  await page.goto(`${home}/billing`);
  await hydrated(page);
  // The form stays inside its card, which shares a row with the usage chart at this width.
  const card = (await page.getByTestId('credits').boundingBox())!;
  for (const control of await page.getByTestId('buy-credits').locator('select, p, button').all()) {
    const box = (await control.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
  }
  await expect(page.getByTestId('credit-balance')).toHaveText('$0.00');
  const form = page.getByTestId('buy-credits');
  await form.getByLabel('Pack').selectOption('50');
  await form.getByLabel('Payment method').selectOption('test_card_declined');
  await form.getByRole('button', { name: 'Buy credits' }).click();
  await expect(page.getByText('The payment was declined')).toBeVisible();
  await expect(page.getByTestId('credit-balance')).toHaveText('$0.00');
  await form.getByLabel('Pack').selectOption('25');
  await form.getByLabel('Payment method').selectOption('test_card_accepted');
  await form.getByRole('button', { name: 'Buy credits' }).click();
  await expect(page.getByTestId('credit-balance')).toHaveText('$25.00');
  await expect(page.getByTestId('credit-entries')).toContainText('Purchase: Bought $25.00');
});
