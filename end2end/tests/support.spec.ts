import { test, expect, hydrated, signIn, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

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

// A 1×1 PNG, as a screenshot tool would save it.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

test('files on a ticket: checked by their bytes, listed live on both sides, a half-written reply kept', async ({ page, browser, guard }) => {
  guard.allow(/status of 415/);
  const cora = await anotherPerson(browser);
  await signIn(cora.page, 'cora@acme.example');
  await cora.page.goto('/app/acme/support');
  await hydrated(cora.page);
  const form = cora.page.getByTestId('new-ticket');
  await form.getByLabel('Subject').fill('Call recordings are cut short');
  await form.getByLabel('What happened?').fill('A screenshot of the player follows.');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await expect(cora.page).toHaveURL(/\/app\/acme\/support\/[0-9a-f-]{36}$/);
  const ticket = new URL(cora.page.url()).pathname.split('/').pop()!;
  await hydrated(cora.page);
  await expect(cora.page.getByTestId('ticket-files-empty')).toHaveText('No files yet.');

  // Support has the ticket open in the console.
  await signInAsAdmin(browser, page);
  await page.goto(`/admin/support/${ticket}`);
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');

  // A reply is half-written when the screenshot goes up; it survives the upload.
  await cora.page.getByLabel('Reply').fill('Also, the volume');
  const attach = cora.page.getByTestId('attach-form');
  await attach.getByLabel('Attach a file').setInputFiles({ name: 'player.png', mimeType: 'image/png', buffer: PNG });
  await attach.getByRole('button', { name: 'Upload file' }).click();
  const mine = cora.page.getByTestId('ticket-files').locator('li', { hasText: 'player.png' });
  await expect(mine).toContainText('PNG image · 70 bytes · Cora');
  await expect(cora.page.getByLabel('Reply')).toHaveValue('Also, the volume');
  await expect(attach.getByTestId('attach-error')).toBeHidden();

  // The console lists it without a reload, and the download is the very bytes, as a PNG.
  const theirs = page.getByTestId('ticket-files').locator('li', { hasText: 'player.png' });
  await expect(theirs).toBeVisible({ timeout: 3000 });
  const href = await theirs.getByRole('link').getAttribute('href');
  expect(href).toMatch(new RegExp(`^/api/v1/platform/tickets/${ticket}/files/[0-9a-f-]{36}$`));
  const download = await page.request.get(href!);
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toBe('image/png');
  expect(download.headers()['content-security-policy']).toContain('sandbox');
  expect(Buffer.from(await download.body()).equals(PNG)).toBe(true);

  // Text named as a PNG is refused by the server by its bytes: 415, with the reason.
  await attach.getByLabel('Attach a file').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some notes\n') });
  await attach.getByRole('button', { name: 'Upload file' }).click();
  await expect(attach.getByTestId('attach-error')).toHaveText(
    'Error 415 · “notes.png” is named as a PNG image but its content is a text file; rename it or attach the right file.',
  );
  // Too large is told in the browser by the same rule, before anything is sent.
  await attach.getByLabel('Attach a file').setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(6 * 1024 * 1024, 'a') });
  await attach.getByRole('button', { name: 'Upload file' }).click();
  await expect(attach.getByTestId('attach-error')).toHaveText(/^Error 413 · “huge\.txt” is 6\.0 MB; a file can be at most 5\.0 MB\.$/);
  await expect(cora.page.getByTestId('ticket-files').locator('li')).toHaveCount(1);

  // Support attaches a log; it arrives live on the consultant's page, marked as support's,
  // and her reply is still there to send.
  const desk = page.getByTestId('attach-form');
  await desk.getByLabel('Attach a file').setInputFiles({ name: 'player.log', mimeType: 'text/plain', buffer: Buffer.from('cut at 10:00\n') });
  await desk.getByRole('button', { name: 'Upload file' }).click();
  await expect(page.getByTestId('ticket-files').locator('li')).toHaveCount(2);
  const log = cora.page.getByTestId('ticket-files').locator('li', { hasText: 'player.log' });
  await expect(log).toContainText('text file · 13 bytes · Sam Superadmin (support)', { timeout: 3000 });
  await expect(cora.page.getByLabel('Reply')).toHaveValue('Also, the volume');
  await cora.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(cora.page.getByTestId('ticket-thread').locator('li', { hasText: 'Also, the volume' })).toBeVisible();
  await cora.page.screenshot({ path: 'test-results/ticket-files.png', fullPage: true });
  await cora.context.close();
});

test('a tenant given priority support is marked in the console’s queue', async ({ page, browser }) => {
  const member = await anotherPerson(browser);
  const organization = `Urgent Co ${Date.now().toString(36)}`;
  const home = await signUp(member.page, { name: 'Una Urgent', email: uniqueEmail('una'), organization });
  const slug = home.split('/').pop()!;
  await member.page.goto(`${home}/support`);
  await hydrated(member.page);
  const form = member.page.getByTestId('new-ticket');
  const subject = `Invoices are late ${Date.now().toString(36)}`;
  await form.getByLabel('Subject').fill(subject);
  await form.getByLabel('What happened?').fill('Our invoice for last month never came.');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await expect(member.page).toHaveURL(/\/support\/[0-9a-f-]{36}$/);

  await signInAsAdmin(browser, page);
  await page.goto('/admin/support');
  await hydrated(page);
  const row = page.getByTestId('tickets').locator('tr', { hasText: subject });
  await expect(row).toContainText(organization);
  await expect(row.getByTestId('priority-support')).toHaveCount(0);

  // Its plan (Free) has no priority support; switched on for it, its tickets are marked.
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  await page.getByLabel('Priority support').selectOption('on');
  await page.getByRole('region', { name: 'Features' }).getByRole('button', { name: 'Save features' }).click();
  await expect(page.getByRole('region', { name: 'Features' }).locator('tr[data-feature="priority_support"] .badge')).toHaveText('on');
  await page.goto('/admin/support');
  await hydrated(page);
  await expect(row.getByTestId('priority-support')).toHaveText('Priority support');
  await member.context.close();
});
