import { readFileSync } from 'node:fs';
import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson, PASSWORD } from './fixtures';

test('a super admin acknowledges and resolves the alert a locked account raised, lifts the lock, and blocks then unblocks an address', async ({ page, browser, guard, baseURL }) => {
  // A person whose account someone tries to guess into: ten wrong passwords lock it.
  const person = await anotherPerson(browser);
  const email = uniqueEmail('guessed', 'threats.example');
  await signUp(person.page, { name: 'Gus Guessed', email, organization: 'Guessed Org' });
  const attacker = await anotherPerson(browser);
  for (let i = 0; i < 10; i++) {
    const response = await attacker.page.request.post('/rpc/sign_in', {
      form: { email, password: `wrong guess ${i}` },
      headers: { Accept: 'application/json', Origin: baseURL! },
    });
    expect(response.ok()).toBe(false);
  }

  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await page.waitForURL(/\/admin\/security$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Security alerts' })).toBeVisible();

  // The alert and the lock are listed.
  const alert = page.getByTestId('open-alerts').locator(`tr[data-subject="${email}"]`);
  await expect(alert).toContainText('Account locked');
  await expect(alert).toContainText('New');
  const lock = page.getByTestId('locks').locator(`tr[data-subject="${email}"]`);
  await expect(lock).toContainText('Account');

  // Acknowledged, then resolved: it moves to the resolved list.
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(alert).toContainText('Acknowledged');
  await expect(alert.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
  await alert.getByRole('button', { name: 'Resolve' }).click();
  await expect(alert).toHaveCount(0);
  await expect(page.getByTestId('resolved-alerts').locator(`tr[data-subject="${email}"]`)).toContainText('Resolved');
  // The alerts download as CSV with their state.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('alerts-csv').click()]);
  expect(download.suggestedFilename()).toBe('atrium-security-alerts.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('kind,subject,state,reason,occurrences,raised,last seen,acknowledged,resolved,evidence');
  expect(csv.some((line) => line.startsWith(`Account locked,${email},resolved,`))).toBe(true);

  // Lifting the lock lets the person sign in again.
  await lock.getByRole('button', { name: 'Lift' }).click();
  await expect(lock).toHaveCount(0);
  await attacker.page.goto('/login');
  await hydrated(attacker.page);
  await attacker.page.getByLabel('Email').fill(email);
  await attacker.page.getByLabel('Password').fill(PASSWORD);
  await attacker.page.getByRole('button', { name: 'Sign in' }).click();
  await attacker.page.waitForURL(/\/app\/[a-z0-9-]+$/);

  // Blocking an address: a range is refused with the reason, one address is blocked.
  const block = page.getByTestId('block-address');
  guard.allow(/status of 422/);
  await block.getByLabel('IP address').fill('203.0.113.0/24');
  await block.getByRole('button', { name: 'Block sign-ins from it' }).click();
  await expect(block.getByRole('alert')).toContainText('Enter one IP address');
  const address = `203.0.113.${(Date.now() % 200) + 20}`;
  await block.getByLabel('IP address').fill(address);
  await block.getByLabel('For').selectOption('1');
  await block.getByLabel('Note (optional)').fill('e2e: stuffing seen from here');
  await block.getByRole('button', { name: 'Block sign-ins from it' }).click();
  const blocked = page.getByTestId('locks').locator(`tr[data-subject="${address}"]`);
  await expect(blocked).toContainText('blocked by an operator');
  await blocked.getByRole('button', { name: 'Lift' }).click();
  await expect(blocked).toHaveCount(0);
});

test('an open security page shows a lockout raised elsewhere without a reload', async ({ page, browser, baseURL }) => {
  await signInAsAdmin(browser, page);
  await page.goto('/admin/security');
  await hydrated(page);
  const email = uniqueEmail('watched', 'threats.example');
  const alert = page.getByTestId('open-alerts').locator(`tr[data-subject="${email}"]`);
  await expect(alert).toHaveCount(0);
  // Typed into the block form while the page refreshes: the refresh must not lose it.
  await page.getByTestId('block-address').getByLabel('Note (optional)').fill('typed before the refresh');

  const person = await anotherPerson(browser);
  await signUp(person.page, { name: 'Wanda Watched', email, organization: 'Watched Org' });
  const attacker = await anotherPerson(browser);
  for (let i = 0; i < 10; i++) {
    const response = await attacker.page.request.post('/rpc/sign_in', {
      form: { email, password: `wrong guess ${i}` },
      headers: { Accept: 'application/json', Origin: baseURL! },
    });
    expect(response.ok()).toBe(false);
  }

  // The page reads its figures again every five seconds: the alert and the lock arrive.
  await expect(alert).toContainText('Account locked', { timeout: 15_000 });
  await expect(page.getByTestId('locks').locator(`tr[data-subject="${email}"]`)).toContainText('Account');
  await expect(page.getByTestId('block-address').getByLabel('Note (optional)')).toHaveValue('typed before the refresh');
});
