// Every test runs with a guard: any console error, uncaught exception or Content Security
// Policy violation fails it, unless the test declared that error expected (for example the
// 401 a wrong password gets).
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page, type Browser, type BrowserContext, type Locator } from '@playwright/test';

export const DEMO_PASSWORD = 'atrium-demo-2026';
export const PASSWORD = 'correct horse battery';

type Guard = {
  /** Declares console errors matching `pattern` expected in this test. */
  allow: (pattern: RegExp) => void;
};

export const test = base.extend<{ guard: Guard }>({
  guard: [
    async ({ context }, use) => {
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
        });
      });
      const watch = (page: Page) => {
        page.on('console', (msg) => {
          if (msg.type() === 'error') problems.push(`${page.url()}: ${msg.text()}`);
        });
        page.on('pageerror', (err) => problems.push(`${page.url()}: uncaught ${err.message}`));
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use({ allow: (pattern) => allowed.push(pattern) });
      const unexpected = problems.filter((p) => !allowed.some((re) => re.test(p)));
      expect(unexpected, 'console errors, uncaught exceptions and CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the WebAssembly has hydrated the page (clicks before that hit server HTML). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15_000 });
}

/** Holds every request matching `pattern` on its way (a slow network) until the returned
 * function is called; then they go on to the server. */
export async function holdRequests(page: Page, pattern: string): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(pattern, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await hydrated(page);
}

let counter = 0;
/** An email no other test uses. */
export function uniqueEmail(name: string, domain = 'e2e.example') {
  counter += 1;
  return `${name}-${Date.now()}-${counter}@${domain}`;
}

/** Signs up through the page; returns the home path it lands on. */
export async function signUp(page: Page, opts: { name: string; email: string; organization: string; builder?: boolean }) {
  await page.goto('/signup');
  await hydrated(page);
  if (opts.builder) await page.getByLabel(/A builder workspace/).check();
  await page.getByLabel('Your name').fill(opts.name);
  await page.getByLabel('Work email').fill(opts.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill(opts.organization);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/(app|builder)\/[a-z0-9-]+$/);
  await hydrated(page);
  return new URL(page.url()).pathname;
}

/** A second, independent person in the same test. */
export async function anotherPerson(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** RFC 4648 base32, as authenticator apps read the key. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code an authenticator app shows `steps` 30-second steps from now (RFC 6238, SHA-1). */
export function totp(secret: string, steps = 0): string {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', base32(secret)).update(message).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/**
 * Turns two-factor sign-in on from Account → Security (the page must be signed in);
 * returns the key read from the page.
 */
export async function enrollTwoFactor(page: Page): Promise<string> {
  if (!page.url().includes('/account/security')) {
    await page.goto('/account/security');
  }
  await hydrated(page);
  const section = page.getByTestId('two-factor');
  await section.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = await section.getByTestId('totp-secret').getAttribute('data-secret');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await section.getByLabel('Enter the 6-digit code the app shows').fill(totp(secret!));
  await section.getByRole('button', { name: 'Turn on' }).click();
  await expect(section.getByTestId('backup-codes').locator('li')).toHaveCount(10);
  return secret!;
}

/** The folder the server under test keeps its data in (shared with the config). */
const dataDir = process.env.ATRIUM_E2E_DATA_DIR!;
const adminDevice = join(dataDir, 'admin-device.json');

/**
 * Lets a context sign in as the demo super admin. Super admins must use two-factor
 * sign-in: the first time, the admin enrolls, passes the second step once with "trust this
 * device", and the device cookie is kept for every later test, which then signs in with
 * the password alone — the trusted-device path.
 */
export async function trustAdminDevice(browser: Browser, context: BrowserContext) {
  if (!existsSync(adminDevice)) {
    // Enrolling is done once for the whole run, inside whichever test needs it first: that
    // test gets the enrolment's time on top of its own, so a slow machine cannot time it out.
    test.info().setTimeout(test.info().timeout + 30_000);
    const setup = await browser.newContext();
    let page = await setup.newPage();
    await signIn(page, 'admin@atrium.example');
    await expect(page).toHaveURL(/\/account\/security\?setup=two-factor$/);
    await expect(page.getByTestId('two-factor-duty')).toContainText('The platform console requires two-factor sign-in');
    const secret = await enrollTwoFactor(page);
    await setup.close();
    const trusted = await browser.newContext();
    page = await trusted.newPage();
    await page.goto('/login');
    await hydrated(page);
    await page.getByLabel('Email').fill('admin@atrium.example');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/login/two-factor');
    await hydrated(page);
    await page.getByLabel('Code').fill(totp(secret, 1));
    await page.getByLabel(/Trust this device/).check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/admin');
    const cookies = (await trusted.cookies()).filter((c) => c.name === 'atrium_device');
    expect(cookies).toHaveLength(1);
    writeFileSync(adminDevice, JSON.stringify({ secret, cookies }));
    await trusted.close();
  }
  const { cookies } = JSON.parse(readFileSync(adminDevice, 'utf8'));
  await context.addCookies(cookies);
}

/** Signs in as the demo super admin on a trusted device (see `trustAdminDevice`). */
export async function signInAsAdmin(browser: Browser, page: Page) {
  await trustAdminDevice(browser, page.context());
  await signIn(page, 'admin@atrium.example');
  await expect(page).toHaveURL(/\/admin$/);
}

/** On a super admin's tenant page: switches White-label branding on for the tenant (its
 * members see its branding only then), and waits for the page to say so. */
export async function turnOnWhiteLabel(page: Page) {
  const panel = page.getByRole('region', { name: 'Features' });
  await page.getByLabel('White-label branding').selectOption('on');
  await panel.getByRole('button', { name: 'Save features' }).click();
  await expect(panel.locator('tr[data-feature="white_label"] .badge')).toHaveText('on');
  await expect(page.getByTestId('branding-hidden')).toHaveCount(0);
  await hydrated(page);
}

/** How many lines the element's text takes as laid out now (the distinct tops of its line boxes). */
export async function linesOf(element: Locator): Promise<number> {
  return element.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
  });
}
