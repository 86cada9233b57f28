import { test, expect, hydrated, signUp, uniqueEmail, DEMO_PASSWORD } from './fixtures';

test('signing up as an organization lands on its home, and signing out ends the session', async ({ page }) => {
  const email = uniqueEmail('founder');
  const home = await signUp(page, { name: 'Fran Founder', email, organization: 'Fran Foods' });
  expect(home).toMatch(/^\/app\/fran-foods(-\d+)?$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Fran Foods' })).toBeVisible();
  await expect(page.getByText('you are Owner')).toBeVisible();
  await page.getByTestId('user-menu').locator('summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
  await page.goto(home);
  await page.waitForURL(/\/login\?next=/);
});

test('signing up as a builder lands on a builder workspace', async ({ page }) => {
  const home = await signUp(page, { name: 'Bo Builder', email: uniqueEmail('builder'), organization: 'Bo Studio', builder: true });
  expect(home).toMatch(/^\/builder\/bo-studio(-\d+)?$/);
  await expect(page.getByTestId('persona')).toHaveText('Builder');
  await expect(page.getByText('builder workspace')).toBeVisible();
});

test('the sign-up form checks fields as you type, with the server’s rules', async ({ page }) => {
  await page.goto('/signup');
  await hydrated(page);
  const email = page.getByLabel('Work email');
  await email.fill('not-an-email');
  await email.blur();
  await expect(page.getByText('Email must contain exactly one @')).toBeVisible();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await email.fill('ok@e2e.example');
  await expect(email).toHaveAttribute('aria-invalid', 'false');
  const password = page.getByLabel('Password');
  await password.fill('short');
  await password.blur();
  await expect(page.getByText('Password must be at least 10 characters (it has 5).')).toBeVisible();
});

test('a wrong password says so and keeps the email; the right one signs in', async ({ page, guard }) => {
  guard.allow(/status of 401/);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('olivia@acme.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page.getByLabel('Email')).toHaveValue('olivia@acme.example');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/app/acme');
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Corp' })).toBeVisible();
});

test('an unknown email reads exactly like a wrong password', async ({ page, guard }) => {
  guard.allow(/status of 401/);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('nobody-at-all@acme.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
});

test('a signed-out visitor is sent to sign in and comes back afterwards', async ({ page }) => {
  await page.goto('/app/acme/members');
  await page.waitForURL('**/login?next=/app/acme/members');
  await hydrated(page);
  await page.getByLabel('Email').fill('adam@acme.example');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/app/acme/members');
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
});
