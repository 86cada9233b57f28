import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a builder workspace’s variant orders its navigation and home: a partner leads with what it sells, an agency with its customers', async ({ page, browser }) => {
  const builder = await anotherPerson(browser);
  const home = await signUp(builder.page, {
    name: 'Vera Builder',
    email: uniqueEmail('vera', 'variants.example'),
    organization: `Variant Works ${Date.now().toString(36)}`,
    builder: true,
  });
  const slug = home.split('/').pop()!;

  // A builder's sign-up makes a Partner workspace: widgets and the marketplace first, and on
  // its home what its customers bring before who they are.
  const entries = builder.page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  await expect(entries.nth(1)).toHaveText('Widgets');
  await expect(entries.nth(2)).toHaveText('Marketplace');
  const listed = await entries.allTextContents();
  const parts = builder.page.getByTestId('builder-overview').locator(':scope > div.cards');
  await expect(parts.first()).toHaveAttribute('data-testid', 'builder-earnings');
  await expect(parts.nth(1)).toHaveAttribute('data-testid', 'builder-delivery');

  // A super admin makes it an Agency.
  await signInAsAdmin(browser, page);
  await page.goto(`/admin/tenants/${slug}`);
  await hydrated(page);
  await page.getByLabel('Variant', { exact: true }).selectOption('agency');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('tenant-facts')).toContainText('Agency');

  // Its next page leads with customers and projects, on the home too; nothing is hidden.
  await builder.page.reload();
  await hydrated(builder.page);
  await expect(builder.page.getByText('Agency builder workspace')).toBeVisible();
  await expect(entries.nth(1)).toHaveText('Customers');
  await expect(entries.nth(2)).toHaveText('Projects');
  expect((await entries.allTextContents()).sort()).toEqual([...listed].sort());
  await expect(parts.first()).toHaveAttribute('data-testid', 'builder-delivery');
  await expect(parts.nth(1)).toHaveAttribute('data-testid', 'builder-earnings');
  await builder.context.close();
});
