// A builder's projects: start one (a refused name says why), put a customer in it from the
// project's page, follow its status live in a second tab, move the customer out again from
// Customers; and the demo builder's home shows its portfolio and revenue by project, each
// project's page its customers, deployments and revenue.
import { test, expect, hydrated, signIn, signUp, uniqueEmail } from './fixtures';

test('a builder starts a project, puts a customer in it and moves it through its states', async ({ page, browser, guard }) => {
  // Several browsers and many pages: 20–30 s on a 2-core machine, too near the default limit.
  test.setTimeout(60_000);
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  try {
    const customerHome = await signUp(customer, { name: 'Pia Customer', email: uniqueEmail('pia'), organization: 'Pia Stores' });
    const customerSlug = customerHome.split('/').pop()!;
    const home = await signUp(page, { name: 'Paul Projects', email: uniqueEmail('paul'), organization: 'Paul Projects', builder: true });

    // Pia Stores becomes a customer.
    await page.goto(`${home}/customers`);
    await hydrated(page);
    await page.getByLabel("The organization's address").fill(customerSlug);
    await page.getByRole('button', { name: 'Send the request' }).click();
    await customer.goto(`${customerHome}/builders`);
    await hydrated(customer);
    await customer.getByRole('button', { name: 'Accept: Paul Projects' }).click();
    const customerRow = page.getByTestId('customer-links').locator(`tr[data-customer="${customerSlug}"]`);
    await expect(customerRow).toContainText('Pia Stores');

    // The portfolio starts empty; a project needs a name.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await expect(page).toHaveURL(`${home}/projects`);
    await hydrated(page);
    await expect(page.getByText('No projects yet.')).toBeVisible();
    guard.allow(/status of 422/);
    await page.getByLabel('Description (optional)').fill('Lead form on the new store pages.');
    await page.getByRole('button', { name: 'Start the project' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Project name is required.' })).toBeVisible();
    // What was typed stays after the refusal.
    await expect(page.getByLabel('Description (optional)')).toHaveValue('Lead form on the new store pages.');
    await page.getByLabel('Name').fill('Pia store relaunch');
    await page.getByRole('button', { name: 'Start the project' }).click();
    await expect(page).toHaveURL(new RegExp(`${home}/projects/[0-9a-f-]{36}$`));
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Pia store relaunch' })).toBeVisible();
    await expect(page.getByTestId('project-head')).toContainText('Lead form on the new store pages.');
    await expect(page.getByText('No customers in this project yet.')).toBeVisible();

    // Put the customer in it.
    await page.getByLabel('Add a customer').selectOption({ label: 'Pia Stores' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('project-customers-list')).toContainText('Pia Stores');
    await expect(page.getByTestId('project-customers')).toHaveText('1');

    // A second tab on the portfolio follows the project's status live.
    const portfolio = await page.context().newPage();
    await portfolio.goto(`${home}/projects`);
    await hydrated(portfolio);
    const projectId = page.url().split('/').pop()!;
    const listed = portfolio.getByTestId('projects').locator(`tr[data-project="${projectId}"]`);
    await expect(listed).toContainText('Pia store relaunch');
    await expect(listed).toContainText('Active');
    await expect(listed.locator('td').nth(2)).toHaveText('1');
    await page.getByRole('button', { name: 'Put on hold' }).click();
    await expect(page.getByTestId('project-head')).toContainText('On hold');
    await expect(listed).toContainText('On hold');
    await page.getByRole('button', { name: 'Complete' }).click();
    await expect(listed).toContainText('Completed');
    await expect(page.getByText('Reopen the project to add customers.')).toBeVisible();

    // A refused rename keeps what was typed; a good one is saved.
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByLabel('Description', { exact: true }).fill('Second phase: NPS prompt.');
    await page.getByRole('button', { name: 'Save the details' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Project name is required.' })).toBeVisible();
    await expect(page.getByLabel('Description', { exact: true })).toHaveValue('Second phase: NPS prompt.');
    await page.getByLabel('Name', { exact: true }).fill('Pia stores, phase two');
    await page.getByRole('button', { name: 'Save the details' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Pia stores, phase two' })).toBeVisible();
    await expect(listed).toContainText('Pia stores, phase two');
    await page.screenshot({ path: 'test-results/builder-project.png', fullPage: true });

    // From Customers, the customer is moved out of the (completed) project.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await hydrated(page);
    const choice = customerRow.getByLabel('Project of Pia Stores');
    await expect(choice).toHaveValue(/[0-9a-f-]{36}/);
    await choice.selectOption({ label: 'No project' });
    await customerRow.getByRole('button', { name: 'Move: Pia Stores' }).click();
    await expect(listed.locator('td').nth(2)).toHaveText('0');
    await expect(customerRow.getByLabel('Project of Pia Stores')).toHaveValue('');
    // Archived, it leaves the portfolio until asked for.
    await portfolio.getByRole('link', { name: 'Pia stores, phase two' }).click();
    await hydrated(portfolio);
    await portfolio.getByRole('button', { name: 'Archive' }).click();
    await expect(portfolio.getByTestId('project-head')).toContainText('Archived');
    await portfolio.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await hydrated(portfolio);
    const archived = portfolio.getByTestId('projects').locator(`tr[data-project="${projectId}"]`);
    await expect(archived).toBeHidden();
    await portfolio.getByLabel('Show archived projects (1)').check();
    await expect(archived).toBeVisible();
  } finally {
    await customerContext.close();
  }
});

test("the demo builder's home shows its portfolio and revenue by project", async ({ page }) => {
  await signIn(page, 'bea@northwind.example');
  await expect(page).toHaveURL(/\/builder\/northwind$/);
  const portfolio = page.getByTestId('portfolio');
  await expect(portfolio).toContainText('Acme website relaunch');
  await expect(portfolio).toContainText('Globex support pilot');
  await expect(page.getByTestId('revenue-by-project').locator('tr').filter({ hasText: 'Acme website relaunch' })).toContainText('$');
  await portfolio.getByRole('link', { name: 'Acme website relaunch' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Acme website relaunch' })).toBeVisible();
  await expect(page.getByTestId('project-customers-list')).toContainText('Acme Corp');
  await expect(page.getByTestId('project-deployments')).toContainText('Acme contact form');
  await expect(page.getByTestId('project-deployments')).toContainText('Live');
  await expect(page.getByTestId('project-revenue')).toHaveText(/^\$\d/);
  await expect(page.getByTestId('project-months').locator('li')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/demo-project.png', fullPage: true });
});
