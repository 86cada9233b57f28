import { readFileSync } from 'node:fs';
import { test, expect, hydrated, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('a super admin finds people, deactivates one after confirming, and reactivates a whole search', async ({ page, browser, baseURL }) => {
  // Four browsers and a dozen pages: 20–30 s on a 2-core machine, too near the default limit.
  test.setTimeout(60_000);
  // Three people of one organization's domain, each signed in in their own browser.
  const domain = `people-${Date.now()}.example`;
  const people = [];
  for (const name of ['Ada', 'Bea', 'Cy']) {
    const person = await anotherPerson(browser);
    const home = await signUp(person.page, { name: `${name} Person`, email: uniqueEmail(name.toLowerCase(), domain), organization: `${name} Org` });
    people.push({ ...person, home });
  }
  // Ada uses a service in her organization: 1,500 tokens, 7 cents at the provider.
  const used = await people[0].page.request.post(`/api/v1/tenants/${people[0].home.split('/').pop()}/usage`, {
    data: { metric: 'tokens', quantity: 1500, provider: 'groq', cost_minor: 7 },
    headers: { Accept: 'application/json', Origin: baseURL! },
  });
  expect(used.status()).toBe(201);

  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.waitForURL(/\/admin\/users$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  // The search is in the address; the list shows who matches, and how many.
  await page.getByLabel('Email or name').fill(domain);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=people-/);
  await hydrated(page);
  await expect(page.getByTestId('people-total')).toHaveText('3 people match');
  const rows = page.getByTestId('people').locator('tbody tr');
  await expect(rows).toHaveCount(3);

  // The same search downloads as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('people-csv').click()]);
  expect(download.suggestedFilename()).toBe('atrium-users.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('email,name,personas,status,workspaces,two_factor,last_sign_in,joined,id');
  expect(csv).toHaveLength(4);
  expect(csv.slice(1).every((line) => line.includes(`@${domain},`))).toBe(true);

  // Deactivating one ticked person asks first, stating whom and what it does.
  const ada = rows.filter({ hasText: 'Ada Person' });
  await ada.getByRole('checkbox').check();
  await page.getByLabel('With the people chosen:').selectOption('deactivate');
  await page.getByRole('button', { name: 'Apply to 1 selected' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Deactivate the 1 person you selected?');
  await expect(confirm).toContainText('signed out at once');
  await confirm.getByRole('button', { name: 'Deactivate 1' }).click();
  const result = page.getByTestId('bulk-result');
  await expect(result.getByRole('status')).toHaveText('1 changed · 0 unchanged · 0 skipped');
  await expect(result).toContainText('Deactivated; 1 session ended');
  await expect(ada).toContainText('deactivated');

  // Ada is signed out on her next page; the others are not.
  await people[0].page.goto(people[0].home);
  await expect(people[0].page).toHaveURL(/\/login/);
  await people[1].page.goto(people[1].home);
  await expect(people[1].page).toHaveURL(people[1].home);

  // Cancel changes nothing; then activate everyone the search matches.
  await page.getByLabel('With the people chosen:').selectOption('activate');
  await page.getByRole('button', { name: 'Apply to all 3 matching' }).click();
  await expect(confirm).toContainText('Activate all 3 people this search matches?');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply to all 3 matching' }).click();
  await confirm.getByRole('button', { name: 'Activate 3' }).click();
  await expect(result.getByRole('status')).toHaveText('1 changed · 2 unchanged · 0 skipped');
  await expect(result.locator('tr', { hasText: 'ada-' })).toContainText('Activated');

  // Nobody of the domain is deactivated any more.
  await page.getByLabel('Status').selectOption('disabled');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/status=disabled/);
  await hydrated(page);
  await expect(page.getByTestId('no-people')).toHaveText('Nobody matches this search.');

  // Ada's own page tells the story: her workspace, and both changes in her activity.
  await page.getByLabel('Email or name').fill(domain);
  await page.getByLabel('Status').selectOption('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL((url) => !url.search.includes('status=disabled'));
  await hydrated(page);
  await page.getByRole('link', { name: 'Ada Person' }).click();
  await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Ada Person' })).toBeVisible();
  await expect(page.getByTestId('person-facts')).toContainText('active');
  await expect(page.getByTestId('person-workspaces')).toContainText('Ada Org');
  await expect(page.getByTestId('person-workspaces')).toContainText('Owner');
  const activity = page.getByTestId('person-activity');
  await expect(activity.locator('tr[data-action="platform.person_deactivated"]')).toHaveCount(1);
  await expect(activity.locator('tr[data-action="platform.person_activated"]')).toHaveCount(1);
  // And what she used, per workspace, with what the provider charged.
  const usage = page.getByTestId('person-usage').locator('tr[data-usage$=":tokens"]');
  await expect(usage).toContainText('Ada Org');
  await expect(usage).toContainText('1500');
  await expect(usage).toContainText('$0.07');

  for (const person of people) await person.context.close();
});

test('a bad filter names its field, and only super admins reach the list', async ({ page, browser, guard }) => {
  guard.allow(/status of (403|422)/);
  await signInAsAdmin(browser, page);
  const response = await page.goto('/admin/users?sort=random');
  expect(response?.status()).toBe(422);
  await expect(page.getByRole('alert').first()).toContainText('Choose an order from the list.');

  const member = await anotherPerson(browser);
  await signUp(member.page, { name: 'Nosy Owner', email: uniqueEmail('nosy'), organization: 'Nosy Org' });
  const refused = await member.page.goto('/admin/users');
  expect(refused?.status()).toBe(403);
  await expect(member.page.getByTestId('people')).toHaveCount(0);
  await member.context.close();
});

test('a super admin takes a persona away and gives it back, and role changes keep a workspace its owner', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const domain = `personas-${Date.now()}.example`;
  const person = await anotherPerson(browser);
  const home = await signUp(person.page, { name: 'Rae Person', email: uniqueEmail('rae', domain), organization: 'Rae Org' });
  const slug = home.split('/').pop()!;

  await signInAsAdmin(browser, page);
  await page.goto(`/admin/users?q=${domain}`);
  await hydrated(page);
  const rows = page.getByTestId('people').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('End User');

  // Taking End User away closes Rae's workspace to her at once.
  await rows.first().getByRole('checkbox').check();
  await page.getByLabel('With the people chosen:').selectOption('remove_persona');
  await page.getByLabel('Which persona').selectOption('end_user');
  await page.getByRole('button', { name: 'Apply to 1 selected' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Take the End User persona from the 1 person you selected?');
  await expect(confirm).toContainText('Their memberships and everything in those workspaces stay.');
  await confirm.getByRole('button', { name: 'Take from 1' }).click();
  const result = page.getByTestId('bulk-result');
  await expect(result.getByRole('heading')).toHaveText('Take the End User persona away: done');
  await expect(result.getByRole('status')).toHaveText('1 changed · 0 unchanged · 0 skipped');
  await expect(rows.first()).not.toContainText('End User');
  const refused = await person.page.goto(home);
  expect(refused?.status()).toBe(403);
  await expect(person.page.getByRole('alert').first()).toContainText('does not have the End User persona');

  // Given back, the workspace opens again.
  await rows.first().getByRole('checkbox').check();
  await page.getByLabel('With the people chosen:').selectOption('grant_persona');
  await page.getByLabel('Which persona').selectOption('end_user');
  await page.getByRole('button', { name: 'Apply to 1 selected' }).click();
  await confirm.getByRole('button', { name: 'Give to 1' }).click();
  // The heading tells this result from the last one (their counts are the same).
  await expect(result.getByRole('heading')).toHaveText('Give the End User persona: done');
  await expect(result.getByRole('status')).toHaveText('1 changed · 0 unchanged · 0 skipped');
  const back = await person.page.goto(home);
  expect(back?.status()).toBe(200);
  await hydrated(person.page);
  await expect(person.page.getByText('does not have the End User persona')).toHaveCount(0);
  await expect(person.page.getByTestId('org-switcher').or(person.page.getByTestId('org'))).toContainText('Rae Org');

  // A role is held in one workspace: the list has to be filtered by one first.
  await page.getByLabel('With the people chosen:').selectOption('change_role');
  await expect(page.getByTestId('bulk-hint')).toContainText('Filter the list by a workspace address first');
  await expect(page.getByRole('button', { name: 'Apply to all 1 matching' })).toBeDisabled();
  await page.getByLabel('Workspace address').fill(slug);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/tenant=/);
  await hydrated(page);
  await page.getByLabel('With the people chosen:').selectOption('change_role');
  await page.getByLabel('New role').selectOption('viewer');
  await page.getByRole('button', { name: 'Apply to all 1 matching' }).click();
  await expect(confirm).toContainText(`Change the role of all 1 person this search matches in “${slug}” to Viewer?`);
  await confirm.getByRole('button', { name: 'Change role for 1' }).click();
  // Rae is the workspace's only owner: she is skipped, and says why.
  await expect(result.getByRole('status')).toHaveText('0 changed · 0 unchanged · 1 skipped');
  await expect(result).toContainText('Every organization needs at least one owner');
  await person.context.close();
});
