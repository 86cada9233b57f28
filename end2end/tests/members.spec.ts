import { test, expect, hydrated, signUp, uniqueEmail, anotherPerson, PASSWORD, signIn } from './fixtures';

test('an owner invites someone, who accepts by creating an account, and a role change takes effect', async ({ page, browser }) => {
  await signUp(page, { name: 'Ola Owner', email: uniqueEmail('owner'), organization: 'Invite Co' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await page.waitForURL(/\/members$/);
  await hydrated(page);
  const inviteeEmail = uniqueEmail('newbie');
  await page.getByLabel('Email').fill(inviteeEmail);
  await page.getByLabel('Role', { exact: true }).selectOption('consultant');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const notice = page.getByTestId('invitation-link');
  await expect(notice).toContainText(`Invitation for ${inviteeEmail} as Consultant created`);
  const link = await notice.getByLabel('Invitation link').inputValue();
  await expect(page.getByTestId('invitations')).toContainText(inviteeEmail);

  const invitee = await anotherPerson(browser);
  await invitee.page.goto(link);
  await hydrated(invitee.page);
  await expect(invitee.page.getByTestId('invitation')).toContainText('Ola Owner invited');
  await invitee.page.getByLabel('Your name').fill('Nia Newbie');
  await invitee.page.getByLabel('Choose a password').fill(PASSWORD);
  await invitee.page.getByRole('button', { name: 'Create account and join' }).click();
  await invitee.page.waitForURL(/\/app\/invite-co(-\d+)?$/);
  await hydrated(invitee.page);
  await expect(invitee.page.getByText('you are Consultant')).toBeVisible();

  await page.reload();
  await hydrated(page);
  const row = page.getByTestId('members').locator(`tr[data-email="${inviteeEmail}"]`);
  await expect(row).toContainText('Nia Newbie');
  await row.getByLabel('Role of Nia Newbie').selectOption('admin');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByLabel('Role of Nia Newbie')).toHaveValue('admin');

  await invitee.page.reload();
  await hydrated(invitee.page);
  await expect(invitee.page.getByText('you are Admin')).toBeVisible();
  await expect(invitee.page.getByTestId('permissions')).toContainText('Allowed: Invite members');
  await invitee.context.close();
});

test('an existing person signs in from the invitation link and gains the organization', async ({ page, browser }) => {
  await signUp(page, { name: 'Olu Owner', email: uniqueEmail('owner'), organization: 'Second Co' });
  const slug = new URL(page.url()).pathname.split('/')[2];
  await page.goto(`/app/${slug}/members`);
  await hydrated(page);
  await page.getByLabel('Email').fill('gina@globex.example');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = await page.getByTestId('invitation-link').getByLabel('Invitation link').inputValue();

  const gina = await anotherPerson(browser);
  await gina.page.goto(link);
  await hydrated(gina.page);
  await gina.page.getByRole('link', { name: 'Sign in to accept' }).click();
  await hydrated(gina.page);
  await gina.page.getByLabel('Email').fill('gina@globex.example');
  await gina.page.getByLabel('Password').fill('atrium-demo-2026');
  await gina.page.getByRole('button', { name: 'Sign in' }).click();
  await gina.page.waitForURL(/\/invite\//);
  await hydrated(gina.page);
  await gina.page.getByRole('button', { name: /^Join/ }).click();
  await gina.page.waitForURL(`**/app/${slug}`);
  await hydrated(gina.page);
  await gina.page.getByTestId('org-switcher').locator('summary').click();
  await expect(gina.page.getByTestId('org-switcher').getByRole('link')).toHaveCount(2);
  await gina.context.close();
});

test('a viewer sees members but no controls, and the server refuses even a crafted request', async ({ page, guard }) => {
  guard.allow(/status of 403/);
  await signIn(page, 'victor@acme.example');
  await page.goto('/app/acme/members');
  await hydrated(page);
  await expect(page.getByTestId('members')).toContainText('Adam Admin');
  await expect(page.getByText('Invite someone')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(0);
  await expect(page.getByRole('combobox')).toHaveCount(0);
  const status = await page.evaluate(async () => {
    const response = await fetch('/rpc/invite_member', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'slug=acme&email=sneaky%40e2e.example&role=owner',
    });
    return response.status;
  });
  expect(status).toBe(403);
});

test('the last owner cannot be demoted, and the page says why', async ({ page, guard }) => {
  guard.allow(/status of 409/);
  const email = uniqueEmail('solo');
  await signUp(page, { name: 'Solo Owner', email, organization: 'Solo Co' });
  const slug = new URL(page.url()).pathname.split('/')[2];
  await page.goto(`/app/${slug}/members`);
  await hydrated(page);
  const row = page.getByTestId('members').locator(`tr[data-email="${email}"]`);
  await row.getByLabel('Role of Solo Owner').selectOption('viewer');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'at least one owner' })).toBeVisible();
});
