import AxeBuilder from '@axe-core/playwright';
import { test, expect, hydrated, signIn, trustAdminDevice } from './fixtures';

for (const [who, path] of [
  ['olivia@acme.example', '/app/acme'],
  ['olivia@acme.example', '/app/acme/members'],
  ['olivia@acme.example', '/app/acme/command-center'],
  ['olivia@acme.example', '/app/acme/templates'],
  ['olivia@acme.example', '/app/acme/billing'],
  ['olivia@acme.example', '/app/acme/services'],
  ['olivia@acme.example', '/app/acme/api-keys'],
  ['olivia@acme.example', '/app/acme/support'],
  ['olivia@acme.example', '/app/acme/audit'],
  ['bea@northwind.example', '/builder/northwind/widgets'],
  ['bea@northwind.example', '/builder/northwind/contacts'],
  ['bea@northwind.example', '/builder/northwind/customers'],
  ['bea@northwind.example', '/builder/northwind/projects'],
  ['bea@northwind.example', '/builder/northwind/marketplace'],
  ['olivia@acme.example', '/app/acme/builders'],
  ['olivia@acme.example', '/app/acme/contacts'],
  ['olivia@acme.example', '/account'],
  ['olivia@acme.example', '/account/security'],
  ['admin@atrium.example', '/admin'],
  ['admin@atrium.example', '/admin/outbox'],
  ['admin@atrium.example', '/admin/plans'],
  ['admin@atrium.example', '/admin/services'],
  ['admin@atrium.example', '/admin/support'],
  ['admin@atrium.example', '/admin/audit'],
  ['admin@atrium.example', '/admin/users'],
  ['admin@atrium.example', '/admin/tenants'],
  ['admin@atrium.example', '/admin/tenants/northwind'],
  ['admin@atrium.example', '/admin/builders'],
  ['admin@atrium.example', '/admin/security'],
  ['admin@atrium.example', '/admin/health'],
] as const) {
  test(`${path} has no serious accessibility problems (WCAG 2.1 AA)`, async ({ page, browser }) => {
    if (who.startsWith('admin')) await trustAdminDevice(browser, page.context());
    await signIn(page, who);
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

for (const path of ['/login', '/forgot-password']) {
  test(`${path} has no serious accessibility problems`, async ({ page }) => {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });
}
