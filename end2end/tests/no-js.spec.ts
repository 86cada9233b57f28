// JavaScript off: every page is readable from the server's HTML, and the sign-in form works
// as a plain form post, errors included.
import { test, expect, trustAdminDevice, DEMO_PASSWORD } from './fixtures';

async function signInWithoutJs(page: import('@playwright/test').Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('signing in works as a plain form post, and a refusal is shown', async ({ page }) => {
  await signInWithoutJs(page, 'olivia@acme.example', 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await signInWithoutJs(page, 'olivia@acme.example');
  await page.waitForURL('**/app/acme');
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Corp' })).toBeVisible();
});

test('the read-only pages render fully from the server', async ({ page }) => {
  await signInWithoutJs(page, 'olivia@acme.example');
  await page.waitForURL('**/app/acme');
  await expect(page.getByTestId('member-count')).toHaveText('5');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByTestId('members')).toContainText('victor@acme.example');
  await page.goto('/account/security');
  await expect(page.getByTestId('sessions')).toContainText('This device');
  await expect(page.getByTestId('sign-in-history')).toContainText('Signed in');
  await page.goto('/app/acme');
  await page.getByTestId('org-switcher').locator('summary').click();
  await page.getByRole('link', { name: /Globex Enterprise/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Globex Enterprise' })).toBeVisible();
});

test('the super admin console reads without JavaScript', async ({ page, browser }) => {
  await trustAdminDevice(browser, page.context());
  await signInWithoutJs(page, 'admin@atrium.example');
  await page.waitForURL('**/admin');
  await expect(page.getByTestId('tenant-count')).toHaveText(/^[1-9][0-9]*$/);
  // The tenant search is a plain GET form: it works without JavaScript.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
  await page.getByLabel('Name or address').fill('northwind');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/\/admin\/tenants\?q=northwind/);
  await expect(page.getByTestId('tenants')).toContainText('Northwind Agency');
});
