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
  const requests = Number(await page.getByTestId('health-requests').textContent());
  expect(requests).toBeGreaterThan(0);
  // This page's own address is among the routes it counts.
  await expect(page.getByTestId('health-routes').locator('tr[data-route="GET /admin/health"]')).toBeVisible();
  await expect(page.getByTestId('requests-chart')).toHaveCount(2);
  await expect(page.getByTestId('latency-chart')).toHaveCount(2);

  // Without a reload, the page asks again within ten seconds: its own calls show up.
  await expect(page.getByTestId('health-routes').locator('tr[data-route="POST /rpc/get_health"]')).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(async () => Number(await page.getByTestId('health-requests').textContent()), { timeout: 20_000 })
    .toBeGreaterThan(requests);
});
