import { readFileSync } from 'node:fs';
import { test, expect, hydrated, signIn } from './fixtures';

test('last month\'s invoice is listed, shown, downloaded as CSV, declined once and then paid', async ({ page, guard }) => {
  guard.allow(/status of 402/);
  await signIn(page, 'olivia@acme.example');
  await page.goto('/app/acme/billing');
  await hydrated(page);
  const row = page.getByTestId('invoices').locator('tbody tr').first();
  const number = (await row.getAttribute('data-number')) ?? '';
  expect(number).toMatch(/^INV-ACME-\d{4}-\d{2}$/);
  await expect(row.getByTestId('invoice-status')).toHaveText('Open');
  await row.getByRole('link', { name: number }).click();
  await expect(page).toHaveURL(`/app/acme/billing/invoices/${number}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: `Invoice ${number}` })).toBeVisible();
  const lines = page.getByTestId('invoice-lines');
  await expect(lines.locator('tr[data-kind="plan"]')).toContainText('Pro plan');
  const total = ((await page.getByTestId('invoice-total').textContent()) ?? '').trim();
  expect(total).toMatch(/^\$[\d,]+\.\d{2}$/);

  // The CSV carries the same total.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-csv').click()]);
  expect(download.suggestedFilename()).toBe(`${number}.csv`);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toBe('invoice,period,description,kind,quantity,unit_price,amount,currency');
  expect(csv).toContain(`,Total,total,,,${total.replace('$', '').replace(/,/g, '')},USD`);

  // The declined test card is recorded and says so; the accepted one pays it.
  await page.getByLabel('Payment method').selectOption('test_card_declined');
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await expect(page.getByText('The payment was declined')).toBeVisible();
  await expect(page.getByTestId('invoice-status')).toHaveText('Payment failed');
  await page.getByLabel('Payment method').selectOption('test_card_accepted');
  await page.getByRole('button', { name: `Pay ${total}` }).click();
  await expect(page.getByText('Payment received. Thank you.')).toBeVisible();
  await expect(page.getByTestId('invoice-status')).toHaveText('Paid');
  await expect(page.getByTestId('pay-form')).toHaveCount(0);
  await expect(page.getByTestId('invoice-payments').locator('li')).toHaveCount(2);

  // Back on Plan & usage the history shows it paid.
  await page.getByRole('link', { name: 'Plan & usage' }).first().click();
  await expect(page.getByTestId('invoices').locator(`tr[data-number="${number}"]`).getByTestId('invoice-status')).toHaveText('Paid');
});

test('a viewer reads the invoice but gets no payment form', async ({ page }) => {
  await signIn(page, 'victor@acme.example');
  await page.goto('/app/acme/billing');
  await hydrated(page);
  const link = page.getByTestId('invoices').locator('tbody tr a').first();
  await link.click();
  await hydrated(page);
  await expect(page.getByTestId('invoice-total')).toBeVisible();
  await expect(page.getByTestId('pay-form')).toHaveCount(0);
});
