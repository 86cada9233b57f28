import { test, expect, hydrated, signIn, signUp, uniqueEmail, anotherPerson } from './fixtures';

// One builder lists a published widget; another finds it, tries it, rates it and installs it
// for a customer; the first sees the rating and the install, and withdraws the listing.
test('a listed widget is found, tried, rated and installed for a customer; withdrawn, it is gone', async ({ page, browser, guard }) => {
  test.setTimeout(60_000);
  // The refused listing (no summary) answers 422.
  guard.allow(/status of 422/);
  const title = `Quiet NPS ${Date.now()}`;

  // The publisher: a new builder workspace with a published feedback prompt.
  const home = await signUp(page, { name: 'Mara Market', email: uniqueEmail('mara'), organization: 'Mara Makes', builder: true });
  await page.goto(`${home}/widgets`);
  await hydrated(page);
  await page.getByLabel('Name').fill(title);
  await page.getByLabel(/Feedback \(NPS\)/).check();
  await page.getByRole('button', { name: 'Create and open the editor' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
  await hydrated(page);
  await page.getByLabel('Sites allowed to embed it (one per line)').fill('https://mara.example');
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Publish the saved draft' }).click();
  await expect(page.getByText('Published version 1.')).toBeVisible();

  // Listing it: a missing summary is refused by name, and nothing is listed.
  const market = page.getByTestId('list-on-marketplace');
  await expect(market).toContainText('Not listed.');
  await expect(market.getByLabel('Listing title')).toHaveValue(title);
  await market.getByRole('button', { name: 'List on the marketplace' }).click();
  await expect(market.getByRole('alert')).toHaveText('The summary is required.');
  await market.getByLabel('Summary (one line)').fill('One calm question after checkout, answers charted.');
  await market.getByLabel(/Description/).fill('Asks how likely visitors are to recommend you, then why.');
  await market.getByRole('button', { name: 'List on the marketplace' }).click();
  await expect(market.getByRole('status')).toHaveText('Listed on the marketplace.');

  // On the listing's page, the publisher adds screenshots: an SVG is refused before it is
  // sent, a real PNG (of the widget itself) is shown at once.
  await page.reload();
  await hydrated(page);
  await page.getByTestId('list-on-marketplace').getByRole('link', { name: 'See the listing' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}/marketplace/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('listing-stage')).toBeVisible();
  await hydrated(page);
  const listingUrl = page.url();
  const upload = page.getByTestId('screenshot-form');
  await upload.getByLabel('Add a screenshot').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await upload.getByRole('button', { name: 'Add the screenshot' }).click();
  await expect(page.getByTestId('screenshot-error')).toHaveText('Error 415 · “logo.svg” is not an image a listing shows: choose a PNG, JPEG, GIF or WebP screenshot.');
  await expect(page.getByTestId('listing-stage').getByRole('heading', { name: 'How likely are you to recommend us to a friend or colleague?' })).toBeVisible();
  const picture = await page.getByTestId('listing-stage').screenshot();
  await upload.getByLabel('Add a screenshot').setInputFiles({ name: 'on-the-shop.png', mimeType: 'image/png', buffer: picture });
  await upload.getByRole('button', { name: 'Add the screenshot' }).click();
  const shown = page.getByTestId('screenshots').getByRole('img', { name: `Screenshot 1 of ${title}` });
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await expect(page.getByTestId('screenshot-error')).toBeHidden();

  // Another builder finds it by its words and kind, not by another kind.
  const other = await anotherPerson(browser);
  const bea = other.page;
  await signIn(bea, 'bea@northwind.example');
  await bea.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).click();
  await expect(bea).toHaveURL('/builder/northwind/marketplace');
  await hydrated(bea);
  await expect(bea.getByTestId('listings')).toContainText('Calm contact form');
  await bea.getByLabel('Search').fill(title);
  await bea.getByLabel('Kind').selectOption({ label: 'Lead form' });
  await bea.getByRole('button', { name: 'Search' }).click();
  await expect(bea.getByTestId('no-listings')).toHaveText('No listing matches this search.');
  await bea.getByLabel('Kind').selectOption({ label: 'Feedback (NPS)' });
  await bea.getByRole('button', { name: 'Search' }).click();
  await expect(bea).toHaveURL(/kind=feedback/);
  const cards = bea.getByTestId('listings').locator('li');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Feedback (NPS) · by Mara Makes');
  await expect(cards.first().getByTestId('rating')).toHaveText('No ratings yet');
  await expect.poll(() => cards.first().locator('img.listing-cover').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await bea.goto('/builder/northwind/marketplace');
  await hydrated(bea);
  await bea.screenshot({ path: 'test-results/marketplace-search.png', fullPage: true });
  await bea.goBack();
  await hydrated(bea);
  await cards.first().getByRole('link', { name: title }).click();
  await hydrated(bea);
  await expect(bea.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(bea.getByTestId('screenshots').getByRole('img', { name: `Screenshot 1 of ${title}` })).toBeVisible();
  await expect(bea.getByTestId('screenshot-form')).toHaveCount(0);

  // Trying it: the runtime draws the listed version (a prompt that opens by itself), at each
  // width.
  const stage = bea.getByTestId('listing-stage');
  await expect(stage.getByRole('region', { name: 'Feedback (NPS)' }).getByRole('heading', { name: 'How likely are you to recommend us to a friend or colleague?' })).toBeVisible();
  await bea.getByRole('button', { name: 'Phone' }).click();
  await expect(stage).toHaveAttribute('data-device', 'phone');

  // Rating it once; the figures follow.
  await bea.getByLabel('Rate it').selectOption('4');
  await bea.getByLabel(/Review/).fill('Clear question, and the follow-up is optional.');
  await bea.getByRole('button', { name: 'Send the rating' }).click();
  await expect(bea.getByTestId('listing-figures').getByTestId('rating')).toHaveText('4.0 ★ (1 rating)');
  await expect(bea.getByTestId('reviews')).toContainText('Clear question, and the follow-up is optional.');
  await expect(bea.getByRole('button', { name: 'Change the rating' })).toBeVisible();

  // Installing it for Acme: a site without its scheme is refused by name, then it takes and
  // the new widget's editor opens.
  await bea.getByLabel('Site that will show it').fill('www.acme.example');
  const acme = await bea.locator('#install-customer option', { hasText: 'Acme' }).getAttribute('value');
  await bea.getByLabel('For', { exact: true }).selectOption(acme!);
  await bea.getByRole('button', { name: 'Install', exact: true }).click();
  await expect(bea.getByRole('alert').filter({ hasText: 'is not a site address' })).toHaveText('“www.acme.example” is not a site address: start it with https:// (or http://).');
  await expect(bea.getByLabel('For', { exact: true })).toHaveValue(acme!);
  await bea.getByLabel('Site that will show it').fill('https://www.acme.example');
  await bea.getByRole('button', { name: 'Install', exact: true }).click();
  await expect(bea).toHaveURL(/\/builder\/northwind\/widgets\/[0-9a-f-]{36}$/);
  await hydrated(bea);
  await expect(bea.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(bea.getByLabel('Sites allowed to embed it (one per line)')).toHaveValue('https://www.acme.example');
  await expect(bea.getByTestId('versions').locator('li[data-version="1"]')).toContainText('Live');

  // It is deployed for Acme as a draft, ready to go live.
  await bea.goto('/builder/northwind/customers');
  await hydrated(bea);
  const deployment = bea.getByTestId('implementations').locator('li', { hasText: title });
  await expect(deployment).toContainText('Draft');
  await expect(deployment.getByRole('button', { name: /^Go live: / })).toBeVisible();

  // The publisher sees the install and the rating, cannot rate its own, and withdraws it.
  await page.goto(listingUrl);
  await hydrated(page);
  await expect(page.getByTestId('listing-figures')).toHaveText('4.0 ★ (1 rating) · 1 install');
  await expect(page.getByLabel('Rate it')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/marketplace-listing.png', fullPage: true });
  await page.getByRole('button', { name: 'Withdraw from the marketplace' }).click();
  await expect(page.getByText('Withdrawn: other builders no longer find it.')).toBeVisible();

  // Gone from the other builder's search; what it installed stays.
  await bea.goto(`/builder/northwind/marketplace?q=${encodeURIComponent(title)}`);
  await hydrated(bea);
  await expect(bea.getByTestId('no-listings')).toHaveText('No listing matches this search.');
  await bea.goto('/builder/northwind/widgets');
  await hydrated(bea);
  await expect(bea.getByTestId('widgets').locator('tr', { hasText: title })).toContainText('Live · version 1');
  await other.context.close();
});

test('the marketplace follows listings from other builders live', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const title = `Live pick ${Date.now()}`;
  // Bea watches a search that finds nothing yet.
  await signIn(page, 'bea@northwind.example');
  await page.goto(`/builder/northwind/marketplace?q=${encodeURIComponent(title)}`);
  await hydrated(page);
  await expect(page.getByTestId('no-listings')).toHaveText('No listing matches this search.');

  // Another builder publishes and lists a widget with that title.
  const other = await anotherPerson(browser);
  const lister = other.page;
  const home = await signUp(lister, { name: 'Lu Lister', email: uniqueEmail('lu'), organization: `Lu Lists ${Date.now().toString(36)}`, builder: true });
  await lister.goto(`${home}/widgets`);
  await hydrated(lister);
  await lister.getByLabel('Name').fill(title);
  await lister.getByLabel(/Lead form/).check();
  await lister.getByRole('button', { name: 'Create and open the editor' }).click();
  await expect(lister).toHaveURL(new RegExp(`${home}/widgets/[0-9a-f-]{36}$`));
  await hydrated(lister);
  await lister.getByLabel('Sites allowed to embed it (one per line)').fill('https://lu.example');
  await lister.getByRole('button', { name: 'Save the draft' }).click();
  await expect(lister.getByText('Draft saved.')).toBeVisible();
  await lister.getByRole('button', { name: 'Publish the saved draft' }).click();
  await expect(lister.getByText('Published version 1.')).toBeVisible();
  const market = lister.getByTestId('list-on-marketplace');
  await market.getByLabel('Summary (one line)').fill('A short form that appears while you watch.');
  await market.getByRole('button', { name: 'List on the marketplace' }).click();
  await expect(market.getByRole('status')).toHaveText('Listed on the marketplace.');

  // Bea's search shows it without a reload; withdrawn, it goes the same way.
  const card = page.getByTestId('listings').locator('li').filter({ hasText: title });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Lead form · by Lu Lists');
  await lister.reload();
  await hydrated(lister);
  await lister.getByTestId('list-on-marketplace').getByRole('link', { name: 'See the listing' }).click();
  await hydrated(lister);
  await lister.getByRole('button', { name: /^Withdraw/ }).click();
  await expect(page.getByTestId('no-listings')).toHaveText('No listing matches this search.');
  await other.context.close();
});
