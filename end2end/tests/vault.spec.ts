import { test, expect, hydrated, signUp, uniqueEmail } from './fixtures';

const GROQ = 'gsk_PlaywrightKey0123456789abcdefghijklmnopqrstuvABCD';
const GROQ_NEXT = 'gsk_PlaywrightRotated9876543210zyxwvutsrqponmlkjiWXYZ';

test('a person keeps a provider key: a bad format is refused, the key shows masked, and rotates', async ({ page, guard }) => {
  guard.allow(/status of 422/);
  const home = await signUp(page, { name: 'Kim Keys', email: uniqueEmail('kim'), organization: 'Key Keepers' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL(/\/api-keys$/);
  await hydrated(page);
  const form = page.getByTestId('add-key');
  await form.getByLabel('Provider').selectOption('groq');
  await form.getByLabel('Name').fill('Production');
  await form.getByLabel('Key', { exact: true }).fill('sk-this-is-not-groq');
  await form.getByRole('button', { name: 'Save key' }).click();
  await expect(page.getByRole('alert')).toContainText('This does not look like a Groq key: a Groq key starts with gsk_');
  await expect(page.getByTestId('vault-keys')).toHaveCount(0);

  await form.getByLabel('Key', { exact: true }).fill(GROQ);
  await form.getByRole('button', { name: 'Save key' }).click();
  const row = page.getByTestId('vault-keys').locator('tr[data-key="Production"]');
  await expect(row.getByTestId('masked-key')).toHaveText('••••ABCD');
  await expect(page.getByText('Key saved.')).toBeVisible();
  // The key itself is nowhere on the page, not even in the form it was typed into.
  expect(await page.content()).not.toContain(GROQ.slice(4, 30));

  await row.getByLabel('New key for Production').fill(GROQ_NEXT);
  await row.getByRole('button', { name: 'Rotate' }).click();
  await expect(row.getByTestId('masked-key')).toHaveText('••••WXYZ');
  await expect(row).toContainText('rotated');
  expect(await page.content()).not.toContain(GROQ_NEXT.slice(4, 30));

  // After a reload, still masked; then deleted.
  await page.goto(`${home}/api-keys`);
  await hydrated(page);
  await expect(row.getByTestId('masked-key')).toHaveText('••••WXYZ');
  await row.getByRole('button', { name: 'Delete Production' }).click();
  await expect(page.getByTestId('vault-keys')).toHaveCount(0);
  await expect(page.getByText('No keys yet')).toBeVisible();
});
