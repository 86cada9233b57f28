import type { Page } from '@playwright/test';
import {
  test,
  expect,
  hydrated,
  signIn,
  signInAsAdmin,
  signUp,
  uniqueEmail,
  anotherPerson,
  enrollTwoFactor,
  totp,
  PASSWORD,
} from './fixtures';

async function passwordStep(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('trust a device to skip the second step, see it listed, then stop trusting it', async ({ page, browser, guard }) => {
  guard.allow(/status of 401/);
  const email = uniqueEmail('trudy');
  const home = await signUp(page, { name: 'Trudy Trust', email, organization: `Trust ${Date.now()}` });
  const secret = await enrollTwoFactor(page);

  // A second browser: a wrong password first (it shows up in the history), then the
  // password and a code with "trust this device".
  const laptop = await anotherPerson(browser);
  await passwordStep(laptop.page, email, 'not my password');
  await expect(laptop.page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await passwordStep(laptop.page, email);
  await laptop.page.waitForURL('**/login/two-factor');
  await hydrated(laptop.page);
  await laptop.page.getByLabel('Code').fill(totp(secret, 1));
  await laptop.page.getByLabel(/Trust this device/).check();
  await laptop.page.getByRole('button', { name: 'Verify' }).click();
  await laptop.page.waitForURL(`**${home}`);

  // Signed out and in again on that browser: the password alone is enough.
  await laptop.context.clearCookies({ name: 'atrium_session' });
  await passwordStep(laptop.page, email);
  await laptop.page.waitForURL(`**${home}`);
  await hydrated(laptop.page);

  await laptop.page.goto('/account/security');
  await hydrated(laptop.page);
  const devices = laptop.page.getByTestId('trusted-devices');
  await expect(devices.getByTestId('trusted-device')).toHaveCount(1);
  await expect(devices.getByText('This browser')).toBeVisible();
  const history = laptop.page.getByTestId('sign-in-history');
  await expect(history.getByTestId('sign-in-event').first()).toContainText('Signed in');
  await expect(history).toContainText('Wrong password');
  await expect(history).toContainText('Password accepted, code asked');

  // The first browser stops trusting it; the laptop is asked for a code again.
  await page.goto('/account/security');
  await hydrated(page);
  await page.getByTestId('trusted-devices').getByRole('button', { name: /Stop trusting Headless Chrome|Stop trusting Chrome/ }).click();
  await expect(page.getByTestId('no-trusted-devices')).toBeVisible();
  await laptop.context.clearCookies({ name: 'atrium_session' });
  await passwordStep(laptop.page, email);
  await laptop.page.waitForURL('**/login/two-factor');
  await laptop.context.close();
});

test('an owner requires two-factor sign-in: a member is walked through setting it up', async ({ page, browser, guard }) => {
  // Several browsers and many pages: 20–30 s on a 2-core machine, too near the default limit.
  test.setTimeout(60_000);
  guard.allow(/status of 403/);
  guard.allow(/status of 409/);
  const home = await signUp(page, { name: 'Rhea Rules', email: uniqueEmail('rhea'), organization: `Rules ${Date.now()}` });
  const slug = home.split('/')[2];

  // Invite a member, who joins with a new account.
  await page.goto(`${home}/members`);
  await hydrated(page);
  const memberEmail = uniqueEmail('mo');
  await page.getByLabel('Email').fill(memberEmail);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = await page.getByTestId('invitation-link').getByLabel('Invitation link').inputValue();
  const member = await anotherPerson(browser);
  await member.page.goto(link);
  await hydrated(member.page);
  await member.page.getByLabel('Your name').fill('Mo Member');
  await member.page.getByLabel('Choose a password').fill(PASSWORD);
  await member.page.getByRole('button', { name: 'Create account and join' }).click();
  await member.page.waitForURL(`**${home}`);

  // The owner must have it first; then requires it with no grace period.
  const rule = page.getByTestId('two-factor-rule');
  await page.reload();
  await hydrated(page);
  await rule.getByLabel('Days members get to set it up').fill('0');
  await rule.getByRole('button', { name: 'Require two-factor sign-in' }).click();
  await expect(rule.getByRole('alert')).toContainText('for your own account first');
  await enrollTwoFactor(page);
  await page.goto(`${home}/members`);
  await hydrated(page);
  await rule.getByLabel('Days members get to set it up').fill('0');
  await rule.getByRole('button', { name: 'Require two-factor sign-in' }).click();
  await expect(page.getByTestId('two-factor-rule-state')).toContainText('Required of every member');

  // The member is shut out of the workspace and walked to the setup at sign-in.
  await member.page.reload();
  await expect(member.page.getByRole('alert')).toContainText('requires two-factor sign-in');
  await member.context.clearCookies({ name: 'atrium_session' });
  await signIn(member.page, memberEmail, PASSWORD);
  await expect(member.page).toHaveURL(/\/account\/security\?setup=two-factor$/);
  await expect(member.page.getByTestId('two-factor-duty')).toContainText('requires two-factor sign-in');
  await enrollTwoFactor(member.page);
  await member.page.goto(home);
  await hydrated(member.page);
  await expect(member.page.getByRole('heading', { level: 1 })).toContainText('Rules');
  await expect(member.page.getByTestId('two-factor-duty')).toHaveCount(0);

  // The owner sees it on, and could reset it for a lost phone.
  await page.reload();
  await hydrated(page);
  const row = page.getByTestId('members').locator(`tr[data-email="${memberEmail}"]`);
  await expect(row.getByText('On', { exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Reset two-factor sign-in of Mo Member' }).click();
  await expect(row.getByText('Off', { exact: true })).toBeVisible();
  expect(slug.length).toBeGreaterThan(0);
  await member.context.close();
});

test('a forgotten password is reset by the link in the email (read from the outbox)', async ({ page, browser, guard }) => {
  guard.allow(/status of 409/);
  const email = uniqueEmail('pat');
  const person = await anotherPerson(browser);
  await signUp(person.page, { name: 'Pat Forget', email, organization: `Forget ${Date.now()}` });
  await person.context.clearCookies();

  await person.page.goto('/login');
  await hydrated(person.page);
  await person.page.getByRole('link', { name: 'Forgot your password?' }).click();
  await person.page.waitForURL('**/forgot-password');
  await hydrated(person.page);
  await person.page.getByLabel('Email').fill(email);
  await person.page.getByRole('button', { name: 'Send the link' }).click();
  await expect(person.page.getByTestId('reset-sent')).toContainText('If an account uses that email');

  // No SMTP server here: the super admin's outbox holds the email.
  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox' }).click();
  await page.waitForURL('**/admin/outbox');
  await hydrated(page);
  const mail = page.getByTestId('outbox-mail').filter({ hasText: 'Reset your Atrium password' }).filter({ hasText: email }).first();
  const body = await mail.locator('pre').innerText();
  const link = body.match(/http:\/\/\S+\/reset-password\/\S+/)![0];

  await person.page.goto(link);
  await hydrated(person.page);
  await person.page.getByLabel('New password').fill('a brand new passphrase');
  await person.page.getByRole('button', { name: 'Set the new password' }).click();
  await person.page.waitForURL('**/login?reset=1');
  await expect(person.page.getByTestId('password-reset-done')).toBeVisible();
  await signIn(person.page, email, 'a brand new passphrase');
  await expect(person.page).toHaveURL(/\/app\//);

  // The link worked once.
  await person.page.goto(link);
  await expect(person.page.getByText('already used')).toBeVisible();
  await person.context.close();
});
