// Playwright drives Debian's Chromium (never a downloaded browser) against the release
// build of Atrium, started here on a fresh SQLite database with the demo data.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, resolve } from 'node:path';

const port = Number(process.env.ATRIUM_E2E_PORT ?? 3210);
const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache', 'atrium', 'target');
const binary = process.env.ATRIUM_BINARY ?? join(targetDir, 'release', 'atrium');
const siteRoot = process.env.ATRIUM_SITE_ROOT ?? resolve(__dirname, '..', 'target', 'site');
// The runner and its workers each read this file: the first creates the server's data folder
// and the others (inheriting the environment) use the same one.
const dataDir = process.env.ATRIUM_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
process.env.ATRIUM_E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'hydrated', testIgnore: /no-js\.spec\.ts/ },
    { name: 'javascript-off', testMatch: /no-js\.spec\.ts/, use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: `${binary} serve --demo`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      ATRIUM_DATABASE__URL: `sqlite://${join(dataDir, 'atrium.db')}`,
      ATRIUM_SECRETS__KEY_FILE: join(dataDir, 'server.key'),
      ATRIUM_HTTP__LISTEN: `127.0.0.1:${port}`,
      ATRIUM_HTTP__SITE_ROOT: siteRoot,
      // Every test signs in from 127.0.0.1; the per-address budget is not under test here.
      ATRIUM_AUTH__ATTEMPTS_PER_MINUTE_PER_IP: '10000',
      // Many tests fail a sign-in on purpose from the same address.
      ATRIUM_AUTH__STUFFING_ACCOUNTS_THRESHOLD: '1000',
      // …and one spec locks an account on purpose: the address itself must never be blocked.
      ATRIUM_AUTH__IP_LOCKOUT_THRESHOLD: '1000',
      // "Confirm it's you" closes 20 s after it was last given, so a test can see it asked
      // again without waiting ten minutes.
      ATRIUM_AUTH__STEP_UP_SECONDS: '20',
      ATRIUM_LOG__FILTER: 'warn',
    },
  },
});
