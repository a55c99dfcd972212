// Shared set-up of the browser tests: each test file starts its own `concord demo` on a free port
// with a fresh database and a headless Chromium (Debian's), and gets helpers to sign in, open a
// page and run axe-core (WCAG 2.2 AA rules) on it.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = [join(root, 'target', 'debug', 'concord'), join(root, 'target', 'release', 'concord')].find(existsSync);
const password = 'riverside-vale-demo';

// Registers the file's before and after hooks. `portBase` keeps files that run side by side on
// different port ranges; `name` labels the temporary database directory.
export function useDemo(portBase, name) {
  const port = portBase + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  let server;
  let browser;

  async function waitForServer() {
    for (let i = 0; i < 300; i++) {
      try {
        const r = await fetch(`${base}/healthz`);
        if (r.ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the demo server did not start');
  }

  before(async () => {
    assert.ok(binary, 'build concord first (cargo build -p concord)');
    const dir = mkdtempSync(join(tmpdir(), `concord-browser-${name}-`));
    const db = join(dir, 'demo.db');
    // A small synthetic population (the demo's default is 100,000), in the test's own directory.
    server = spawn(binary, ['demo', '--port', String(port), '--people', '4000',
      '--population-store', join(dir, 'population'), '--key-file', join(dir, 'population.key')], {
      env: { ...process.env, CONCORD_DATABASE: `sqlite://${db}`, RUST_LOG: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForServer();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.kill();
  });

  async function signIn(page, username) {
    await page.goto(`${base}/login`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
  }

  async function newPage(options = {}) {
    // bypassCSP lets the test inject axe-core; the pages themselves run under the strict CSP.
    // `options` are Playwright's context options (a viewport, JavaScript off).
    const context = await browser.newContext({ bypassCSP: true, ...options });
    return context.newPage();
  }

  async function axe(page, label) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    assert.deepEqual(problems, [], `${label} has accessibility violations`);
  }

  return { base, signIn, newPage, axe };
}
