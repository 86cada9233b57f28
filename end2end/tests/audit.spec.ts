import { readFileSync } from 'node:fs';
import { test, expect, hydrated, signIn, signInAsAdmin, signUp, uniqueEmail, anotherPerson } from './fixtures';

test('an owner reads who did what in the workspace, searches it and downloads it as CSV', async ({ page }) => {
  const home = await signUp(page, { name: 'Audra Owner', email: uniqueEmail('audra'), organization: 'Audit Co' });
  const slug = home.split('/')[2];

  // Something worth recording: an invitation.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await page.waitForURL(/\/members$/);
  await hydrated(page);
  const invitee = uniqueEmail('invitee');
  await page.getByLabel('Email').fill(invitee);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('invitation-link')).toContainText(invitee);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL(/\/audit$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const entries = page.getByTestId('audit-entries');
  const invitation = entries.locator('tr[data-action="invitation.created"]');
  await expect(invitation).toHaveCount(1);
  await expect(invitation).toContainText(invitee);
  await expect(invitation).toContainText('127.0.0.1');
  await expect(entries.locator('tr[data-action="tenant.created"]')).toHaveCount(1);

  // Searching by area keeps only that area, with the search in the address.
  await page.getByLabel('Area').selectOption('invitation');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/area=invitation/);
  await hydrated(page);
  await expect(entries.locator('tr')).toHaveCount(2); // the header row and the invitation
  await expect(entries.locator('tr[data-action="tenant.created"]')).toHaveCount(0);

  // A search that finds nothing says so.
  await page.getByLabel('Search').fill('nobody-was-here');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=nobody-was-here/);
  await hydrated(page);
  await expect(page.getByTestId('no-entries')).toHaveText('No entry matches this search.');

  // The download holds the same search.
  await page.getByLabel('Search').fill(invitee);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=invitee/);
  await hydrated(page);
  await expect(invitation).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  expect(download.suggestedFilename()).toBe(`${slug}-audit.csv`);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('at,actor,on_behalf_of,workspace,action,target,ip,user_agent,details,id');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain('invitation.created');
  expect(csv[1]).toContain(invitee);
});

test('a bad search names its field; other roles have no audit log', async ({ page, browser, guard }) => {
  guard.allow(/status of (403|422)/);
  await signIn(page, 'olivia@acme.example');
  const response = await page.goto('/app/acme/audit?from=yesterday');
  expect(response!.status()).toBe(422);
  await expect(page.getByRole('alert')).toContainText('Error 422');
  await expect(page.getByRole('alert')).toContainText('Give a date as YYYY-MM-DD.');

  const viewer = await anotherPerson(browser);
  await signIn(viewer.page, 'victor@acme.example');
  await expect(viewer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  const refused = await viewer.page.goto('/app/acme/audit');
  expect(refused!.status()).toBe(403);
  await expect(viewer.page.getByRole('alert')).toContainText("read the workspace's audit log");
  await viewer.context.close();
});

test("a super admin searches the whole platform's log by workspace and pages back", async ({ page, browser, guard, baseURL }) => {
  guard.allow(/status of 422/);
  const member = await anotherPerson(browser);
  const email = uniqueEmail('platformed');
  const home = await signUp(member.page, { name: 'Pat Platformed', email, organization: 'Platform Co' });
  const slug = home.split('/')[2];
  await member.context.close();

  await signInAsAdmin(browser, page);
  // More than a page of entries, whatever ran before: the admin suspends and reactivates
  // the new workspace over and over (each change is an entry).
  for (let i = 0; i < 26; i += 1) {
    for (const status of ['suspended', 'active']) {
      const response = await page.request.post('/rpc/set_tenant_status', {
        form: { slug, status },
        headers: { Origin: baseURL! },
      });
      expect(response.status()).toBe(200);
    }
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL('**/admin/audit');
  await hydrated(page);
  const entries = page.getByTestId('audit-entries');
  // More than a page: fifty newest, then the older ones.
  await expect(entries.locator('tbody tr')).toHaveCount(50);
  await page.getByTestId('audit-older').click();
  await page.waitForURL(/before=/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: /entr(y|ies) \(older\)/ })).toBeVisible();

  await page.goto('/admin/audit');
  await hydrated(page);
  await page.getByLabel('Workspace address').fill(slug);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(new RegExp(`tenant=${slug}`));
  await hydrated(page);
  await expect(entries.locator('tr[data-action="tenant.suspended"]').first()).toContainText('Platform Co');
  const workspaces = await entries.locator('tbody tr td:nth-child(3)').allTextContents();
  expect(workspaces.length).toBeGreaterThan(0);
  expect(new Set(workspaces)).toEqual(new Set(['Platform Co']));

  await page.getByLabel('Workspace address').fill('no-such-workspace');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('alert')).toContainText('No workspace has the address “no-such-workspace”.');
});
