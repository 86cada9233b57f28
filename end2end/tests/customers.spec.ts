// Builders and customers: a builder asks an organization to become its customer, the
// customer's owner accepts (the builder's page follows live), the builder deploys a published
// lead form for the customer and makes it live, and the deployment's embed code on the
// customer's site sends contacts to the customer's own Contacts page — not the builder's.
// Pausing the deployment takes the widget off the site.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, hydrated, signIn, signInAsAdmin, signUp, uniqueEmail, holdRequests, linesOf } from './fixtures';

async function hostPage(html: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://localhost:${port}`, server };
}

test('a customer accepts a builder, whose live deployment sends contacts to the customer', async ({ page, browser, guard }) => {
  // Several browsers and many pages: 20–30 s on a 2-core machine, too near the default limit.
  test.setTimeout(60_000);
  let snippet = '';
  const site = await hostPage(() => `<!doctype html><html><head><title>Customer site</title></head>
    <body><h1>Customer site</h1>${snippet}</body></html>`);
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  try {
    // The customer organization, signed up in its own browser.
    const customerHome = await signUp(customer, { name: 'Cleo Customer', email: uniqueEmail('cleo'), organization: 'Cleo Shops' });
    const customerSlug = customerHome.split('/').pop()!;

    // The builder, with a published lead form allowed on the customer's site.
    const home = await signUp(page, { name: 'Bruno Builder', email: uniqueEmail('bruno'), organization: 'Bruno Builds', builder: true });
    await page.goto(`${home}/widgets`);
    await hydrated(page);
    await page.getByLabel('Name').fill('Cleo lead form');
    await page.getByLabel(/Lead form/).check();
    await page.getByRole('button', { name: 'Create and open the editor' }).click();
    await expect(page).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
    await hydrated(page);
    await page.getByLabel('Sites allowed to embed it (one per line)').fill(site.origin);
    await page.getByRole('button', { name: 'Save the draft' }).click();
    await expect(page.getByText('Draft saved.')).toBeVisible();
    await page.getByRole('button', { name: 'Publish the saved draft' }).click();
    await expect(page.getByText('Published version 1.')).toBeVisible();

    // Asking: an address that is no organization is refused with a clear message.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await expect(page).toHaveURL(`${home}/customers`);
    await hydrated(page);
    await expect(page.getByText('No customers yet.')).toBeVisible();
    guard.allow(/status of 422/);
    // The page reloads its data after every request; that reload is held on its way, and the
    // refusal shows meanwhile, in the page as it stands — and stays once the reload arrives.
    const release = await holdRequests(page, '**/rpc/get_customers');
    await page.getByLabel("The organization's address").fill('no-such-organization');
    await page.getByRole('button', { name: 'Send the request' }).click();
    const refusal = 'No end-user organization has the address “no-such-organization”.';
    await expect(page.getByRole('alert')).toContainText(refusal);
    const reloaded = page.waitForResponse('**/rpc/get_customers');
    release();
    await reloaded;
    await page.unroute('**/rpc/get_customers');
    await expect(page.getByRole('alert')).toContainText(refusal);
    await page.getByLabel("The organization's address").fill(customerSlug);
    await page.getByRole('button', { name: 'Send the request' }).click();
    const row = page.getByTestId('customer-links').locator(`tr[data-customer="${customerSlug}"]`);
    await expect(row).toContainText('Waiting for the customer');
    // Until the customer accepts, the builder knows it only by the address it typed.
    await expect(row.locator('td').first()).toHaveText(customerSlug);

    // The customer's owner sees the request on the Builders page and accepts it.
    await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Builders' }).click();
    await expect(customer).toHaveURL(`${customerHome}/builders`);
    await hydrated(customer);
    const request = customer.getByTestId('builder-links').locator('tr').filter({ hasText: 'Bruno Builds' });
    await expect(request).toContainText('Waiting for the customer');
    await request.getByRole('button', { name: 'Accept: Bruno Builds' }).click();
    await expect(request).toContainText('Active');

    // The builder's page follows without a reload: the customer is now known by name.
    await expect(row).toContainText('Active');
    await expect(row.locator('td').first()).toHaveText('Cleo Shops');

    // Deploy the lead form for the customer; it starts as a draft, then goes live.
    await expect(page.getByLabel('Customer', { exact: true })).toHaveValue(/[0-9a-f-]{36}/);
    await page.getByLabel('Widget', { exact: true }).selectOption({ label: 'Cleo lead form' });
    await page.getByRole('button', { name: 'Deploy as a draft' }).click();
    const deployment = page.getByTestId('implementations').locator('li').filter({ hasText: 'Cleo lead form' });
    await expect(deployment).toHaveAttribute('data-status', 'draft');
    await deployment.getByRole('button', { name: 'Go live: Cleo lead form for Cleo Shops' }).click();
    await expect(deployment).toHaveAttribute('data-status', 'live');
    // The customer sees it on its Builders page, live.
    const onCustomerSide = customer.getByTestId('implementations').locator('tr').filter({ hasText: 'Cleo lead form' });
    await expect(onCustomerSide).toContainText('Live');
    await expect(onCustomerSide).toContainText('Bruno Builds');

    // The deployment's embed code names it; pasted on the customer's site, it shows the form.
    await deployment.getByText('Embed code for Cleo Shops').click();
    snippet = await deployment.getByLabel(/Script tag/).inputValue();
    expect(snippet).toMatch(/^<script src="http:\/\/127\.0\.0\.1:\d+\/embed\.js" data-widget="[0-9a-f-]{36}" data-for="[0-9a-f-]{36}" data-title="Cleo lead form" async><\/script>$/);

    await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await expect(customer).toHaveURL(`${customerHome}/contacts`);
    await hydrated(customer);
    await expect(customer.getByRole('heading', { name: 'No contacts yet' })).toBeVisible();

    const visitor = await page.context().newPage();
    await visitor.goto(site.origin);
    const widget = visitor.frameLocator('iframe[data-atrium-widget]');
    await widget.locator('body[data-hydrated="true"]').waitFor();
    await widget.getByRole('button', { name: 'Contact us' }).click();
    await widget.getByLabel('Your name *').fill('Vince Visitor');
    await widget.getByLabel('Work email *').fill('vince@visitor.example');
    await widget.getByRole('button', { name: 'Send' }).click();
    await expect(widget.getByText('Thanks! We will be in touch shortly.')).toBeVisible();

    // The contact is the customer's, and arrives live on its Contacts page.
    const contact = customer.getByTestId('contacts').locator('tr[data-contact="vince@visitor.example"]');
    await expect(contact).toBeVisible();
    await expect(contact).toContainText('Vince Visitor');
    await expect(contact).toContainText(`Cleo lead form on ${site.origin}`);
    await customer.screenshot({ path: 'test-results/customer-contacts.png' });
    // The customer's Builders page counts what came through the deployment, live.
    await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Builders' }).click();
    await hydrated(customer);
    await expect(onCustomerSide.getByTestId('deployment-sent')).toHaveText('1');
    await expect(onCustomerSide.getByTestId('deployment-views')).toHaveText(/^[1-9][0-9]*$/);
    const views = Number(await onCustomerSide.getByTestId('deployment-views').textContent());
    await visitor.reload();
    await expect(onCustomerSide.getByTestId('deployment-views')).toHaveText(String(views + 1));
    // The builder's analytics count the customer's site apart.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Widgets' }).click();
    await hydrated(page);
    await page.getByRole('link', { name: 'Cleo lead form' }).click();
    await hydrated(page);
    const byCustomer = page.getByTestId('widget-customers').locator('tr').filter({ hasText: 'Cleo Shops' });
    await expect(byCustomer.locator('td').nth(3)).toHaveText('1');
    // The builder's own Contacts page stays empty.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'No contacts yet' })).toBeVisible();

    // Paused, the deployment shows nothing on the customer's site.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await hydrated(page);
    await deployment.getByRole('button', { name: 'Pause: Cleo lead form for Cleo Shops' }).click();
    await expect(deployment).toHaveAttribute('data-status', 'paused');
    await page.screenshot({ path: 'test-results/builder-customers.png', fullPage: true });
    guard.allow(/status of 403/);
    await visitor.reload();
    await expect(visitor.frameLocator('iframe[data-atrium-widget]').getByRole('status')).toHaveText('This widget is not available right now.');
  } finally {
    site.server.close();
    await customerContext.close();
  }
});

test("a builder's home shows its customers, deployments and what their invoices earned", async ({ page }) => {
  await signIn(page, 'bea@northwind.example');
  await expect(page).toHaveURL(/\/builder\/northwind$/);
  const overview = page.getByTestId('builder-overview');
  await expect(overview.getByTestId('active-customers')).toHaveText('1');
  await expect(overview).toContainText('1 waiting for an answer');
  await expect(overview.getByTestId('live-deployments')).toHaveText('1');
  await expect(overview.getByTestId('revenue')).toHaveText(/^\$\d/);
  await expect(overview.getByTestId('commissions')).toHaveText(/^\$\d/);
  await expect(page.getByTestId('revenue-by-customer')).toContainText('Acme Corp');
  await expect(page.getByTestId('revenue-months').locator('li')).toHaveCount(1);
  // The month's figures stay on one line beside the bar (they wrapped a word a line in a
  // column sized for a count).
  const value = page.getByTestId('revenue-months').locator('.bar-value');
  await expect(value).toHaveText(/^\$[\d.,]+ · \$[\d.,]+ earned$/);
  expect(await linesOf(value)).toBe(1);
});

test('a super admin sets a builder’s commission rate; the builder sees it', async ({ page, browser, guard }) => {
  const home = await signUp(page, { name: 'Rhea Rate', email: uniqueEmail('rhea'), organization: 'Rhea Rates', builder: true });
  await expect(page.getByTestId('builder-overview')).toContainText('Your rate: 10 % of each customer invoice');
  const slug = home.split('/').pop()!;

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  try {
    await signInAsAdmin(browser, admin);
    // End-user organizations have no rate to set.
    await admin.goto('/admin/tenants?q=acme');
    await expect(admin.getByTestId('tenants').locator('tr[data-slug="acme"]')).toBeVisible();
    await expect(admin.getByTestId('tenants').locator('tr[data-slug="acme"]').getByRole('textbox')).toHaveCount(0);
    await admin.goto(`/admin/tenants?q=${slug}`);
    await hydrated(admin);
    const row = admin.getByTestId('tenants').locator(`tr[data-slug="${slug}"]`);
    const field = row.getByLabel('Commission of Rhea Rates (%)');
    await expect(field).toHaveValue('10');
    guard.allow(/status of 422/);
    await field.fill('150');
    await row.getByRole('button', { name: 'Save the commission of Rhea Rates' }).click();
    await expect(admin.getByRole('alert').filter({ hasText: 'is not a commission rate' })).toBeVisible();
    await field.fill('12.5');
    await row.getByRole('button', { name: 'Save the commission of Rhea Rates' }).click();
    await expect(admin.getByRole('alert').filter({ hasText: 'is not a commission rate' })).toBeHidden();
    await expect(row.getByLabel('Commission of Rhea Rates (%)')).toHaveValue('12.5');
  } finally {
    await adminContext.close();
  }
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('builder-overview')).toContainText('Your rate: 12.5 % of each customer invoice');
});

test('a builder deploys a process template its customer starts sessions from, while it is live', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  try {
    const customerHome = await signUp(customer, { name: 'Tess Templates', email: uniqueEmail('tess'), organization: `Tess Trading ${Date.now().toString(36)}` });
    const customerSlug = customerHome.split('/').pop()!;
    const builderName = `Pia Processes ${Date.now().toString(36)}`;
    const home = await signUp(page, { name: 'Pia Builder', email: uniqueEmail('pia'), organization: builderName, builder: true });

    // Own process templates are a Pro feature: the builder upgrades, then makes one.
    await page.goto(`${home}/billing`);
    await hydrated(page);
    const pro = page.getByTestId('switch-pro');
    await pro.locator('summary').click();
    await pro.getByRole('button', { name: 'Confirm: upgrade to Pro' }).click();
    await expect(page.getByTestId('current-plan')).toHaveAttribute('data-tier', 'pro');
    await page.goto(`${home}/templates`);
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill('Site launch');
    await page.getByLabel(/^Definition/).fill('{"phases": [{"key": "L1", "name": "Launch", "steps": [{"key": "ok", "name": "Signed off", "kind": "approval"}]}]}');
    await page.getByRole('button', { name: 'Create the template' }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]+$/);

    // The customer accepts the builder.
    await page.goto(`${home}/customers`);
    await hydrated(page);
    await page.getByLabel("The organization's address").fill(customerSlug);
    await page.getByRole('button', { name: 'Send the request' }).click();
    await customer.goto(`${customerHome}/builders`);
    await hydrated(customer);
    await customer.getByRole('button', { name: `Accept: ${builderName}` }).click();
    const row = page.getByTestId('customer-links').locator(`tr[data-customer="${customerSlug}"]`);
    await expect(row).toContainText('Active');

    // Deployed as a draft, then live.
    await page.getByLabel('Process template', { exact: true }).selectOption({ label: 'Site launch' });
    await page.getByRole('button', { name: 'Deploy the template as a draft' }).click();
    const deployment = page.getByTestId('implementations').locator('li').filter({ hasText: 'Site launch' });
    await expect(deployment).toHaveAttribute('data-status', 'draft');
    await expect(deployment).toContainText('Process template');
    await expect(deployment.getByText(/Embed code/)).toHaveCount(0);
    await deployment.getByRole('button', { name: /^Go live: Site launch for / }).click();
    await expect(deployment).toHaveAttribute('data-status', 'live');
    const onCustomerSide = customer.getByTestId('implementations').locator('tr').filter({ hasText: 'Site launch' });
    await expect(onCustomerSide).toContainText('Process template');
    await expect(onCustomerSide).toContainText('Live');

    // The customer's templates list it, read-only, from the builder.
    await customer.goto(`${customerHome}/templates`);
    await hydrated(customer);
    const listed = customer.getByTestId('templates').locator('tr[data-template="Site launch"]');
    await expect(listed).toContainText(`From ${builderName} · Live`);
    await expect(listed.getByRole('button', { name: 'Duplicate' })).toBeHidden();
    await listed.getByRole('link', { name: 'Site launch' }).click();
    await hydrated(customer);
    await expect(customer.getByTestId('deployed-template')).toContainText(`${builderName} deployed this template for this workspace`);
    await expect(customer.getByRole('button', { name: 'Save as a new version' })).toHaveCount(0);

    // A session starts from it in the customer's command center.
    await customer.goto(`${customerHome}/command-center`);
    await hydrated(customer);
    await customer.getByRole('button', { name: 'New session' }).click();
    let dialog = customer.getByRole('dialog', { name: 'New session' });
    await dialog.getByLabel('Template').selectOption({ label: 'Site launch' });
    await dialog.getByLabel('Title').fill('Spring launch');
    await dialog.getByRole('button', { name: 'Create the session' }).click();
    await customer.waitForURL(/\/command-center\/sessions\/[0-9a-f-]+$/);
    await hydrated(customer);
    await expect(customer.getByTestId('session-state')).toContainText('Draft');

    // Paused by the builder: the customer's list says so live, and no new session starts from it.
    await deployment.getByRole('button', { name: /^Pause: Site launch for / }).click();
    await expect(deployment).toHaveAttribute('data-status', 'paused');
    await customer.goto(`${customerHome}/templates`);
    await hydrated(customer);
    await expect(listed).toContainText(`From ${builderName} · Paused`);
    await deployment.getByRole('button', { name: /^Resume: Site launch for / }).click();
    await expect(listed).toContainText(`From ${builderName} · Live`);
    await deployment.getByRole('button', { name: /^Pause: Site launch for / }).click();
    await expect(listed).toContainText(`From ${builderName} · Paused`);
    await customer.goto(`${customerHome}/command-center`);
    await hydrated(customer);
    await customer.getByRole('button', { name: 'New session' }).click();
    dialog = customer.getByRole('dialog', { name: 'New session' });
    await expect(dialog.getByLabel('Template').locator('option', { hasText: 'Site launch' })).toHaveCount(0);
    await expect(customer.getByTestId('session-list').locator('li[data-title="Spring launch"]')).toBeVisible();
    await customer.screenshot({ path: 'test-results/customer-deployed-template.png', fullPage: true });
  } finally {
    await customerContext.close();
  }
});
