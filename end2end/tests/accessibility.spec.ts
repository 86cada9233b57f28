import AxeBuilder from '@axe-core/playwright';
import { test, expect, hydrated, signIn } from './fixtures';

for (const [who, path] of [
  ['olivia@acme.example', '/app/acme'],
  ['olivia@acme.example', '/app/acme/members'],
  ['olivia@acme.example', '/account'],
  ['admin@atrium.example', '/admin'],
] as const) {
  test(`${path} has no serious accessibility problems (WCAG 2.1 AA)`, async ({ page }) => {
    await signIn(page, who);
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}

test('the sign-in page has no serious accessibility problems', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
});
