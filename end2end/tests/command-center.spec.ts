import { test, expect, hydrated, signIn, anotherPerson, uniqueEmail, holdRequests, linesOf } from './fixtures';

const CENTER = '/app/acme/command-center';

test('one member starts a session and another sees it change live; a viewer sees but cannot act', async ({ page, browser }) => {
  // Victor (viewer) watches the command center in his own browser.
  const viewer = await anotherPerson(browser);
  await signIn(viewer.page, 'victor@acme.example');
  await viewer.page.goto(CENTER);
  await hydrated(viewer.page);
  await expect(viewer.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  await expect(viewer.page.getByRole('button', { name: 'New session' })).toHaveCount(0);

  // Cora (consultant) creates a session from the consultation template.
  await signIn(page, 'cora@acme.example');
  await page.goto(CENTER);
  await hydrated(page);
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Template').selectOption({ label: 'Consultation P0–P4' });
  const title = `Live ${uniqueEmail('s').split('@')[0]}`;
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel(/^Client/).fill('Hooli');
  // The browser checks the field with the server's own rule before anything is sent.
  await dialog.getByLabel(/^Contact email/).fill('not-an-email');
  await expect(dialog.getByText('Contact email must be an email address such as name@example.com.')).toBeVisible();
  await dialog.getByLabel(/^Contact email/).fill('gavin@hooli.example');
  await expect(dialog.getByText('Contact email must be an email address')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Create the session' }).click();
  await page.waitForURL(/\/command-center\/sessions\/[0-9a-f-]+$/);
  await hydrated(page);
  await expect(page.getByTestId('session-state')).toContainText('Draft');

  // It appears in Victor's list without a reload, as a draft…
  const row = viewer.page.getByTestId('session-list').locator(`li[data-title="${title}"]`);
  await expect(row.locator('[data-status]')).toHaveText('Draft');
  await expect(row.getByRole('button')).toHaveCount(0);

  // …and turns active the moment Cora starts it.
  await page.getByTestId('session-state').getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('session-state').locator('[data-status]')).toHaveText('Active');
  await expect(row.locator('[data-status]')).toHaveText('Active', { timeout: 3000 });
  // The first phase's steps show on the queue, live as well.
  await expect(page.getByTestId('session-jobs').locator('li')).not.toHaveCount(0);

  // A quick action from the list: shown at once, confirmed by the server, seen by Victor.
  await page.goto(CENTER);
  await hydrated(page);
  const mine = page.getByTestId('session-list').locator(`li[data-title="${title}"]`);
  await mine.getByRole('button', { name: 'Pause' }).click();
  await expect(mine.locator('[data-status]')).toHaveText('Paused');
  await expect(row.locator('[data-status]')).toHaveText('Paused', { timeout: 3000 });
  await expect(mine.getByRole('button', { name: 'Resume' })).toBeVisible();
  await viewer.context.close();
});

test('the page carries its data to the browser: quotes and markup in a title hydrate without asking the server again', async ({ page }) => {
  await signIn(page, 'cora@acme.example');
  const title = `O'Brien's "big" <deal> & co ${Date.now()}`;
  await page.evaluate(async (title) => {
    const call = async (fn: string, body: Record<string, string>) => {
      const response = await fetch(`/rpc/${fn}`, { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams(body) });
      return response.json();
    };
    const center = await call('get_command_center', { slug: 'acme' });
    await call('create_session', { slug: 'acme', template: center.templates[0].id, title });
  }, title);

  // Hydrating reads the page's own copy of the data; had it failed to decode, the browser
  // would load it again from the server.
  const asked: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/rpc/')) asked.push(path);
  });
  await page.goto(CENTER);
  await hydrated(page);
  const row = page.getByTestId('session-list').locator('li').filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-title', title);
  expect(asked).toEqual([]);
  // Hydrated from that copy, the row acts: starting it goes to the server (which then has
  // the panels read again) and shows at once.
  await row.getByRole('button', { name: 'Start' }).click();
  await expect(row.locator('[data-status]')).toHaveText('Active');
  expect(asked[0]).toBe('/rpc/change_session_status');
});

test('a quick action shows at once and is undone with the server\'s reason when refused', async ({ page, browser, guard }) => {
  guard.allow(/status of 403/);
  await signIn(page, 'cora@acme.example');
  const title = `Optimistic ${Date.now()}`;
  const cora: string = await page.evaluate(async (title) => {
    const call = async (fn: string, body: Record<string, string>) => {
      const response = await fetch(`/rpc/${fn}`, { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams(body) });
      return response.json();
    };
    const center = await call('get_command_center', { slug: 'acme' });
    await call('create_session', { slug: 'acme', template: center.templates[0].id, title });
    return (await call('get_me', {})).user_id;
  }, title);
  await page.goto(CENTER);
  await hydrated(page);
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const mine = page.getByTestId('session-list').locator(`li[data-title="${title}"]`);
  await expect(mine.locator('[data-status]')).toHaveText('Draft');

  // The request is held on its way (a slow network): the list already shows the result.
  const release = await holdRequests(page, '**/rpc/change_session_status');
  await mine.getByRole('button', { name: 'Start' }).click();
  await expect(mine.locator('[data-status]')).toHaveText('Active', { timeout: 500 });

  // Meanwhile Adam makes Cora a viewer, so when the start arrives the server refuses it.
  const adam = await anotherPerson(browser);
  await signIn(adam.page, 'adam@acme.example');
  const setRole = (role: string) =>
    adam.page.evaluate(async ([user_id, role]) => {
      const response = await fetch('/rpc/change_member_role', { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams({ slug: 'acme', user_id, role }) });
      return response.status;
    }, [cora, role]);
  expect(await setRole('viewer')).toBe(200);
  try {
    release();
    await expect(page.getByText('does not allow you to create or change process sessions.')).toBeVisible();
    // Rolled back: the badge is the server's again and nothing else changed.
    await expect(mine.locator('[data-status]')).toHaveText('Draft');
  } finally {
    expect(await setRole('consultant')).toBe(200);
    await adam.context.close();
  }
});

test('a status change on the session page shows at once, then the server confirms it', async ({ page }) => {
  await signIn(page, 'cora@acme.example');
  const id: string = await page.evaluate(async () => {
    const call = async (fn: string, body: Record<string, string>) => {
      const response = await fetch(`/rpc/${fn}`, { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams(body) });
      return response.json();
    };
    const center = await call('get_command_center', { slug: 'acme' });
    return call('create_session', { slug: 'acme', template: center.templates[0].id, title: `Page optimistic ${Date.now()}` });
  });
  await page.goto(`${CENTER}/sessions/${id}`);
  await hydrated(page);
  const state = page.getByTestId('session-state');
  await expect(state.locator('[data-status]')).toHaveText('Draft');
  const release = await holdRequests(page, '**/rpc/change_session_status');
  await state.getByRole('button', { name: 'Start' }).click();
  await expect(state.locator('[data-status]')).toHaveText('Active', { timeout: 500 });
  release();
  await expect(page.getByTestId('session-jobs').locator('li')).not.toHaveCount(0);
  await expect(state.locator('[data-status]')).toHaveText('Active');
});

test('the audit trail records each change with a readable diff', async ({ page }) => {
  await signIn(page, 'adam@acme.example');
  await page.goto(CENTER);
  await hydrated(page);
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Template').selectOption({ label: 'Customer acquisition A1–A4' });
  await dialog.getByLabel('Title').fill('Trail check');
  await dialog.getByLabel(/^Company/).fill('Pied Piper');
  await dialog.getByRole('button', { name: 'Create the session' }).click();
  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  const a1 = page.locator('li[data-phase="A1"]');
  await a1.getByLabel(/^Fit/).selectOption('high');
  await a1.getByLabel(/^Website/).fill('ftp://nope');
  await expect(a1.getByText('Website must be a web address starting with https:// or http://.')).toBeVisible();
  await a1.getByLabel(/^Website/).fill('https://piedpiper.example');
  await a1.getByRole('button', { name: 'Save A1' }).click();
  const trail = page.getByTestId('trail');
  await expect(trail.locator('li[data-action="data_changed"]')).toContainText('A1.fit: (empty) → “high”');
  await expect(trail.locator('li[data-action="data_changed"]')).toContainText('A1.website: (empty) → “https://piedpiper.example”');
  await expect(trail.locator('li[data-action="created"]')).toContainText('A1.company: (empty) → “Pied Piper”');
});

test('a refused step is a dead letter on the orchestration panel, retried after the data is fixed', async ({ page }) => {
  await signIn(page, 'olivia@acme.example');
  await page.goto(CENTER);
  await hydrated(page);
  await page.getByRole('button', { name: 'New session' }).click();
  const dialog = page.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Template').selectOption({ label: 'Consultation P0–P4' });
  const title = `Incomplete ${Date.now()}`;
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('button', { name: 'Create the session' }).click();
  await page.waitForURL(/\/sessions\//);
  await hydrated(page);
  const sessionUrl = page.url();
  await page.getByTestId('session-state').getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('session-jobs').locator('li[data-status="failed"]')).toContainText('Intake is not complete: Client is required. Contact email is required.');

  await page.goto(CENTER);
  await hydrated(page);
  const letter = page.getByTestId('job-list').locator('li[data-status="failed"]', { hasText: title }).filter({ hasText: '· P0 ·' });
  await expect(letter).toContainText('Dead letter');
  await page.goto(sessionUrl);
  await hydrated(page);
  const p0 = page.locator('li[data-phase="P0"]');
  await p0.getByLabel(/^Client/).fill('Umbrella');
  await p0.getByLabel(/^Contact email/).fill('alice@umbrella.example');
  await p0.getByRole('button', { name: 'Save P0' }).click();
  await expect(page.getByTestId('trail').locator('li[data-action="data_changed"]')).toBeVisible();
  await page.goto(CENTER);
  await hydrated(page);
  await letter.getByRole('button', { name: 'Retry' }).click();
  // The check passes now, the phase ends and the session moves to discovery, all live —
  // where the next check stops it until someone writes the findings.
  const row = page.getByTestId('session-list').locator(`li[data-title="${title}"]`);
  await expect(row).toContainText('Phase 2 of 5 · Discovery');
  await expect(letter).toHaveCount(0);
  await expect(page.getByTestId('job-list').locator('li[data-status="failed"]', { hasText: title })).toContainText('Discovery is not complete: Findings is required.');
});

test('templates: the editor checks the definition as you type, saves versions, built-ins are read-only', async ({ page }) => {
  await signIn(page, 'olivia@acme.example');
  await page.goto('/app/acme/templates');
  await hydrated(page);
  await expect(page.getByTestId('signing-secret')).toHaveValue(/^whsec_/);
  const name = `Hand-off ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  const definition = page.getByLabel(/^Definition/);
  await definition.fill('{"phases": []}');
  await expect(page.getByText('A template has 1 to 20 phases.')).toBeVisible();
  await definition.fill('{"phases": [{"key": "H1", "name": "Hand-off", "steps": [{"key": "ok", "name": "Signed off", "kind": "approval"}]}]}');
  await expect(page.getByText('A template has 1 to 20 phases.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Create the template' }).click();
  await page.waitForURL(/\/templates\/[0-9a-f-]+$/);
  await hydrated(page);
  await expect(page.getByTestId('versions').locator('li')).toHaveCount(1);
  await page.getByLabel('Description', { exact: true }).fill('Second version');
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.getByText('Saved as version 2.')).toBeVisible();
  await expect(page.getByTestId('versions').locator('li')).toHaveCount(2);

  await page.goto('/app/acme/templates');
  await hydrated(page);
  await page.getByTestId('templates').getByRole('link', { name: 'Consultation P0–P4' }).click();
  await hydrated(page);
  await expect(page.getByText('A built-in template: read-only.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save as a new version' })).toHaveCount(0);
});

test('a member clones a training example into a draft of their own; the example stays read-only', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'cora@acme.example');
  await page.goto(CENTER);
  await hydrated(page);
  const example = page.getByTestId('examples').getByRole('listitem').filter({ hasText: 'Example: intake for a small agency' });
  await expect(example).toContainText('Example: intake for a small agency · Consultation P0–P4');
  // On a phone the line wraps, and the template follows the title on its line: a wrapped
  // line never starts with the separating dot.
  const [titleLeft, templateLeft] = await example.evaluate((li) => [
    li.querySelector('a')!.getBoundingClientRect().left,
    li.querySelector('.muted')!.getClientRects()[0].left,
  ]);
  expect(templateLeft).toBeGreaterThan(titleLeft);
  // The template's name moves to the next line whole rather than breaking at its en dash
  // (on a wide screen the left panel's line ends right after "P0–").
  const name = example.locator('.keep-together');
  expect(await linesOf(name)).toBe(1);
  await page.setViewportSize({ width: 1400, height: 900 });
  expect(await linesOf(name)).toBe(1);
  await page.setViewportSize({ width: 390, height: 844 });

  // The example itself can be read, not run or edited.
  await example.getByRole('link').click();
  await hydrated(page);
  await expect(page.getByText('A training example: read-only. Clone it to work on a copy.')).toBeVisible();
  await expect(page.getByTestId('session-state').getByRole('button')).toHaveCount(0);
  const client = page.locator('li[data-phase="P0"]').getByLabel(/^Client/);
  await expect(client).toBeDisabled();

  // A clone from the list is a draft of Cora's, with the example's data, that she can run.
  await page.goto(CENTER);
  await hydrated(page);
  await example.getByRole('button', { name: 'Clone' }).click();
  await page.waitForURL(/\/command-center\/sessions\/[0-9a-f-]+$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Example: intake for a small agency');
  await expect(page.getByTestId('session-state').locator('[data-status]')).toHaveText('Draft');
  await expect(page.getByText('A training example: read-only.')).toHaveCount(0);
  await expect(client).toHaveValue('Brightside Agency');
  await expect(client).toBeEnabled();
  await expect(page.getByTestId('session-state').getByRole('button', { name: 'Start' })).toBeVisible();
});

for (const [label, width, height] of [['wide', 1280, 800], ['phone', 390, 844]] as const) {
  test(`the three panels at ${label} width`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height });
    await signIn(page, 'olivia@acme.example');
    await page.goto(CENTER);
    await hydrated(page);
    const boxes = [];
    for (const panel of ['.cc-sessions', '.cc-orchestration', '.cc-analytics']) {
      const box = await page.locator(panel).boundingBox();
      expect(box).not.toBeNull();
      boxes.push(box!);
    }
    if (label === 'wide') {
      // Side by side, 40 / 35 / 25.
      expect(boxes[0].x).toBeLessThan(boxes[1].x);
      expect(boxes[1].x).toBeLessThan(boxes[2].x);
      const total = boxes.reduce((sum, b) => sum + b.width, 0);
      expect(boxes[0].width / total).toBeCloseTo(0.4, 1);
      expect(boxes[1].width / total).toBeCloseTo(0.35, 1);
      expect(boxes[2].width / total).toBeCloseTo(0.25, 1);
      // The jobs per phase fit their panel: no column cut off behind a scroll.
      const counts = page.locator('.cc-orchestration .table-wrap');
      await expect(counts.getByRole('columnheader', { name: 'Failed' })).toBeVisible();
      const overflow = await counts.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } else {
      // Stacked, each as wide as the screen allows, nothing wider than the phone.
      expect(boxes[0].y).toBeLessThan(boxes[1].y);
      expect(boxes[1].y).toBeLessThan(boxes[2].y);
      for (const box of boxes) expect(box.x + box.width).toBeLessThanOrEqual(width);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scroll).toBeLessThanOrEqual(width);
    }
    await page.screenshot({ path: testInfo.outputPath(`command-center-${label}.png`), fullPage: true });
  });
}

// The tab's indicator says "Live" only once the server confirmed its subscription, and the tab
// resumes from the cursor its page was rendered at, so a drop at any moment loses nothing.
test('a tab that lost its connection reconnects and catches up on what it missed', async ({ page, browser }) => {
  // The tab's socket goes through a relay the test controls: while "down", every
  // connection is cut at once, as when a network or a proxy drops it.
  let down = false;
  const open: { close: (o?: { code?: number; reason?: string }) => Promise<void> }[] = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (down) {
      void ws.close({ code: 4000, reason: 'network down' });
      return;
    }
    ws.connectToServer();
    open.push(ws);
  });
  await signIn(page, 'victor@acme.example');
  await page.goto(CENTER);
  await hydrated(page);
  const indicator = page.getByTestId('live-indicator');
  await expect(indicator).toHaveAttribute('data-state', 'live');
  down = true;
  for (const ws of open.splice(0)) await ws.close({ code: 4000, reason: 'network down' });
  await expect(indicator).toHaveText(/Reconnecting/);

  // While Victor's tab is cut off, Cora creates a session.
  const cora = await anotherPerson(browser);
  await signIn(cora.page, 'cora@acme.example');
  const created = await cora.page.evaluate(async () => {
    const call = async (fn: string, body: Record<string, string>) => {
      const response = await fetch(`/rpc/${fn}`, { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams(body) });
      return response.json();
    };
    const center = await call('get_command_center', { slug: 'acme' });
    const title = `While away ${Date.now()}`;
    await call('create_session', { slug: 'acme', template: center.templates[0].id, title });
    return title;
  });
  await cora.context.close();
  const missed = page.getByTestId('session-list').locator(`li[data-title="${created}"]`);
  await expect(missed).toHaveCount(0);

  // Back online: the tab reconnects by itself, resumes from the last event it saw, and the
  // server replays the one it missed.
  down = false;
  await expect(indicator).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(missed).toBeVisible();
});
