import { test, expect, hydrated, signIn, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a Free organization hits its members limit, sees why and what an upgrade changes, and upgrades', async ({ page, guard }) => {
  guard.allow(/status of 402/);
  const home = await signUp(page, { name: 'Fay Free', email: uniqueEmail('fay'), organization: 'Free Seats' });
  await page.goto(`${home}/members`);
  await hydrated(page);
  const invite = async (email: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
  };
  // The owner and four invitations fill the Free plan's five seats.
  for (let i = 0; i < 4; i += 1) {
    const email = uniqueEmail(`seat${i}`);
    await invite(email);
    await expect(page.getByTestId('invitations')).toContainText(email);
  }
  await invite(uniqueEmail('one-too-many'));
  await expect(page.getByText('The Free plan allows 5 members, and this organization has reached that. Upgrade to Pro under Plan & usage for more.')).toBeVisible();

  // The home says so too, with the way up.
  await page.goto(home);
  await hydrated(page);
  const homeMeters = page.getByTestId('home-meters');
  await expect(homeMeters.getByTestId('meter-members')).toHaveAttribute('data-level', 'reached');
  await expect(homeMeters.getByTestId('meter-members')).toContainText('5 of 5');
  await expect(page.getByTestId('upgrade-prompt')).toContainText('You have reached your limit: 5 of 5 members.');
  await expect(page.getByTestId('upgrade-prompt').getByRole('link', { name: 'Compare plans' })).toHaveAttribute('href', `${home}/billing#plans`);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plan & usage' }).click();
  await page.waitForURL(/\/billing$/);
  await hydrated(page);
  await expect(page.getByTestId('current-plan')).toHaveAttribute('data-tier', 'free');
  // Each plan's name is centred over its column's figures, the current one's badge under it.
  const offsets = await page.getByTestId('plan-comparison').evaluate((table) => {
    const centre = (node: Node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      return r.left + r.width / 2;
    };
    const heads = [...table.querySelectorAll('thead th')].slice(1);
    const prices = [...table.querySelectorAll('tbody tr:first-child td')];
    const name = (th: Element) =>
      [...th.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())!;
    return heads.map((th, i) => Math.abs(centre(name(th)) - centre(prices[i])));
  });
  expect(offsets).toHaveLength(3);
  for (const offset of offsets) expect(offset).toBeLessThan(2);
  await expect(page.getByTestId('meter-members')).toHaveAttribute('data-level', 'reached');
  await expect(page.getByTestId('meter-members')).toContainText('5 of 5');
  await expect(page.getByTestId('upgrade-prompt')).toContainText('You have reached your limit: 5 of 5 members.');
  await expect(page.getByTestId('upgrade-prompt')).toContainText('Pro allows 25 members for $49.00 a month.');

  // What changes is stated before anything is saved.
  const pro = page.getByTestId('switch-pro');
  await expect(pro.locator('summary')).toHaveText('Upgrade to Pro');
  await pro.locator('summary').click();
  await expect(pro).toContainText('Price: $0.00 → $49.00 a month.');
  await expect(pro).toContainText('Members: 5 → 25.');
  await expect(pro).toContainText('You gain: Outbound webhooks.');
  await pro.getByRole('button', { name: 'Confirm: upgrade to Pro' }).click();
  await expect(page.getByTestId('current-plan')).toHaveAttribute('data-tier', 'pro');
  await expect(page.getByTestId('meter-members')).toContainText('5 of 25');
  await expect(page.getByTestId('upgrade-prompt')).toHaveCount(0);

  await page.goto(`${home}/members`);
  await hydrated(page);
  const sixth = uniqueEmail('sixth');
  await invite(sixth);
  await expect(page.getByTestId('invitations')).toContainText(sixth);
});

test('usage reported through the API moves the meters live in another tab', async ({ page, browser }) => {
  await signIn(page, 'olivia@acme.example');
  await page.goto('/app/acme/billing');
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('current-plan')).toHaveAttribute('data-tier', 'pro');
  const tokens = page.getByTestId('meter-tokens');
  const before = Number(await tokens.getAttribute('data-used'));

  const cora = await anotherPerson(browser);
  await signIn(cora.page, 'cora@acme.example');
  const status = await cora.page.evaluate(async () => {
    const response = await fetch('/api/v1/tenants/acme/usage', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ metric: 'tokens', quantity: 1234, provider: 'groq', cost_minor: 12 }),
    });
    return response.status;
  });
  expect(status).toBe(201);
  await cora.context.close();

  await expect(tokens).toHaveAttribute('data-used', String(before + 1234), { timeout: 3000 });
  await expect(page.getByTestId('costs')).toContainText('groq');
  // Cost by provider and the 30-day history come from the daily roll-up.
  await expect(page.getByTestId('usage-history').locator('svg')).toHaveCount(2);
});

test('a super admin edits a plan and overrides a tenant\'s limit; the tenant sees both', async ({ page, browser, guard }) => {
  guard.allow(/status of 422/);
  const owner = await anotherPerson(browser);
  const home = await signUp(owner.page, { name: 'Ollie Override', email: uniqueEmail('ollie'), organization: 'Override Me' });
  const slug = home.split('/')[2];

  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plans' }).click();
  await page.waitForURL(/\/admin\/plans$/);
  await hydrated(page);

  // Bad input names the field; nothing is saved.
  const free = page.getByTestId('edit-free');
  await free.getByLabel('API calls a month').fill('lots');
  await free.getByRole('button', { name: 'Save Free' }).click();
  await expect(page.getByText('Enter a whole number, or leave it empty for unlimited.')).toBeVisible();
  await free.getByLabel('API calls a month').fill('2,000');
  await free.getByRole('button', { name: 'Save Free' }).click();
  await expect(page.getByText('Plan saved')).toBeVisible();

  const row = page.getByTestId('tenant-plans').locator(`tr[data-slug="${slug}"]`);
  await row.getByLabel('Limit', { exact: true }).selectOption('members');
  await row.getByLabel(/New limit/).fill('8');
  await row.getByRole('button', { name: 'Override' }).click();
  await expect(row).toContainText('members: 8');

  await owner.page.goto(`${home}/billing`);
  await hydrated(owner.page);
  await expect(owner.page.getByTestId('meter-members')).toContainText('1 of 8');
  await expect(owner.page.getByTestId('meter-api_calls')).toContainText('0 of 2,000');
  await expect(owner.page.getByTestId('current-plan')).toContainText('The platform team set limits of your own: 8 members.');

  // Put Free back as the demo had it, for the tests after this one.
  await free.getByLabel('API calls a month').fill('1,000');
  await free.getByRole('button', { name: 'Save Free' }).click();
  await expect(page.getByText('Plan saved')).toBeVisible();
  await owner.context.close();
});
