import { readFileSync } from 'node:fs';
import { test, expect, hydrated, signInAsAdmin } from './fixtures';

test('a super admin watches the server’s health refresh on its own, route by route', async ({ page, browser }) => {
  await signInAsAdmin(browser, page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
  await page.waitForURL(/\/admin\/health$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'System health' })).toBeVisible();

  // The server's facts, the database and the queue.
  await expect(page.getByTestId('health-server')).toContainText('Version');
  await expect(page.getByTestId('health-server')).toContainText('Up for');
  await expect(page.getByTestId('health-database')).toContainText('sqlite');
  await expect(page.getByTestId('health-jobs')).toContainText('Waiting');
  // Slow statements: counted and listed (what counts as slow is the server's line, 200 ms here).
  expect(Number(await page.getByTestId('health-slow-count').textContent())).toBeGreaterThanOrEqual(0);
  await expect(page.getByRole('heading', { name: 'Slow database statements' })).toBeVisible();
  await expect(page.getByText('Statements that took 200 ms or longer, newest first')).toBeVisible();
  await expect(page.getByTestId('health-slow').or(page.getByTestId('health-slow-none'))).toBeVisible();
  const requests = Number(await page.getByTestId('health-requests').textContent());
  expect(requests).toBeGreaterThan(0);
  // The busiest routes are listed with their counts (a shared test server has many).
  const first = page.getByTestId('health-routes').locator('tbody tr').first();
  await expect(first).toHaveAttribute('data-route', /^(GET|POST) \//);
  expect(Number(await first.locator('td').nth(1).textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('requests-chart')).toHaveCount(2);
  await expect(page.getByTestId('latency-chart')).toHaveCount(2);
  // The routes table downloads as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('health-routes-csv').click()]);
  expect(download.suggestedFilename()).toBe('atrium-health-routes.csv');
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('route,requests,errors,error percent,p50 ms,p95 ms,p99 ms');
  expect(csv.length).toBeGreaterThan(1);
  expect(csv[1]).toMatch(/^(GET|POST) \/[^,]*,[1-9][0-9]*,[0-9]+,[0-9]+\.[0-9]{2},/);

  // Without a reload, the page asks again within ten seconds, and counts have moved on.
  await expect
    .poll(async () => Number(await page.getByTestId('health-requests').textContent()), { timeout: 20_000 })
    .toBeGreaterThan(requests);
});
