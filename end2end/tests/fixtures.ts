// Every test runs with a guard: any console error, uncaught exception or Content Security
// Policy violation fails it, unless the test declared that error expected (for example the
// 401 a wrong password gets).
import { test as base, expect, type Page, type Browser } from '@playwright/test';

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
