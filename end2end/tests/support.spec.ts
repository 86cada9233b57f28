import { test, expect, hydrated, signIn, signInAsAdmin, anotherPerson } from './fixtures';

test('a consultant opens a ticket; the super admin answers from the console; both sides follow live', async ({ page, browser }) => {
  // The console's queue is open before the ticket exists.
  await signInAsAdmin(browser, page);
  await page.goto('/admin/support');
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');

  const cora = await anotherPerson(browser);
  await signIn(cora.page, 'cora@acme.example');
  await cora.page.goto('/app/acme');
  await hydrated(cora.page);
  await cora.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
  await expect(cora.page).toHaveURL('/app/acme/support');
  await hydrated(cora.page);
  const form = cora.page.getByTestId('new-ticket');
  await form.getByLabel('Subject').fill('The voice agent drops calls after 10 minutes');
  await form.getByLabel('Priority').selectOption('high');
  await form.getByLabel('What happened?').fill('Every call we take is cut at 10:00 exactly.');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await expect(cora.page).toHaveURL(/\/app\/acme\/support\/[0-9a-f-]{36}$/);
  await hydrated(cora.page);
  await expect(cora.page.getByRole('heading', { name: 'The voice agent drops calls after 10 minutes' })).toBeVisible();
  await expect(cora.page.getByTestId('ticket-status')).toHaveText('Waiting for support');
  await expect(cora.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');

  // It shows up in the console without a reload; the super admin answers and takes it.
  const row = page.getByTestId('tickets').locator('tr', { hasText: 'The voice agent drops calls' });
  await expect(row).toContainText('Acme', { timeout: 3000 });
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/\/admin\/support\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByLabel('Reply').fill('We raised the limit to 60 minutes; try again?');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Answered');
  await page.getByLabel('Assign to').selectOption({ label: 'Sam Superadmin' });
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByTestId('ticket-assignee')).toHaveText('Assigned to Sam Superadmin');

  // The consultant's open page follows: the answer, marked as support's, and the status.
  await expect(cora.page.getByTestId('ticket-status')).toHaveText('Answered', { timeout: 3000 });
  const answer = cora.page.getByTestId('ticket-thread').locator('li[data-from-support="true"]');
  await expect(answer).toContainText('We raised the limit to 60 minutes');
  await expect(cora.page.getByTestId('ticket-manage')).toHaveCount(0);
  await cora.page.getByLabel('Reply').fill('Works now, thanks!');
  await cora.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(cora.page.getByTestId('ticket-status')).toHaveText('Waiting for support');

  // Support closes it; the console shows it closed.
  await expect(page.getByTestId('ticket-thread').locator('li')).toHaveCount(3, { timeout: 3000 });
  await page.getByRole('button', { name: 'Close ticket' }).click();
  await expect(page.getByTestId('ticket-status')).toHaveText('Closed');
  await expect(cora.page.getByTestId('ticket-status')).toHaveText('Closed', { timeout: 3000 });
  await cora.context.close();
});

test('a viewer reads the workspace\'s tickets but cannot open or answer one', async ({ page }) => {
  await signIn(page, 'victor@acme.example');
  await page.goto('/app/acme/support');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Tickets' })).toBeVisible();
  await expect(page.getByTestId('new-ticket')).toHaveCount(0);
});
