// Concord's "Measure" pages in real headless Chromium (Debian's), driven by Playwright.
// Starts its own `concord demo` on a free port with a fresh database, then:
//  - a council analyst reads the system's finance position, opens a trust's months and its SPC chart,
//    and uploads a pooled-budget return for the council as a CSV file (all or nothing);
//  - an administrator goes from the performance dashboard to a series' SPC chart and rebases it;
//  - runs axe-core (WCAG 2.2 AA rules) on every Measure page type and expects no violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDemo } from './demo.mjs';

// Port range 20000-20999, apart from the other browser test files.
const { base, signIn, newPage, axe } = useDemo(20000, 'measure');

test('an analyst reads the system finance and loads a pooled budget return', async () => {
  const page = await newPage();
  await signIn(page, 'analyst');
  // The header's navigation links to Finance (it may fold into "More" on a narrow window).
  assert.equal(await page.locator('nav a[href="/finance"]').count(), 1);
  await page.goto(`${base}/finance`);
  await page.waitForURL(/\/finance\/\d{4}-\d{2}$/);
  const heading = await page.textContent('h1');
  assert.match(heading, /^\d{4}\/\d{2}: position at /);
  const card = await page.textContent('.nhsuk-card');
  assert.match(card, /Each NHS body breaks even on its own|The system breaks even in aggregate/);
  assert.match(card, /sum of its NHS bodies' net positions/);
  await axe(page, 'the finance overview');

  await page.click('table a:has-text("Northmoor and Coast Hospitals NHS Trust")');
  await page.waitForURL(/\/organisations\/[0-9a-f]+$/);
  assert.equal(await page.locator('figure.concord-spc svg').count(), 1, 'an SPC chart of the monthly net position');
  assert.ok((await page.locator('table:has(caption:has-text("by month")) tbody tr').count()) >= 12, 'every month of the year');
  await axe(page, "a body's finance page");

  // Upload: one good row for the council, then a file with a row for the ICB, which is refused whole.
  const year = heading.match(/^(\d{4})\/\d{2}/)[1];
  const dir = mkdtempSync(join(tmpdir(), 'concord-upload-'));
  const good = join(dir, 'bcf.csv');
  writeFileSync(good, `budget,organisation,month,contribution,spend\nRiverside Better Care Fund,E06000901,${Number(year) + 1}-03,1783333.33,1801234.56\n`);
  await page.goto(`${base}/finance/upload`);
  await axe(page, 'the upload page');
  await page.selectOption('#dataset', 'pooled');
  await page.setInputFiles('#file', good);
  await page.click('button:has-text("Load the file")');
  assert.match(await page.textContent('[role=status]'), /Loaded bcf\.csv: 1 rows/);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, `budget,organisation,month,contribution,spend\nRiverside Better Care Fund,QRV,${Number(year) + 1}-03,1.00,\n`);
  await page.selectOption('#dataset', 'pooled');
  await page.setInputFiles('#file', bad);
  await page.click('button:has-text("Load the file")');
  const summary = await page.textContent('.nhsuk-error-summary');
  assert.match(summary, /Nothing was loaded/);
  assert.match(summary, /line 2, field 'organisation': you may not load figures for NHS Riverside and Vale Integrated Care Board/);
  await axe(page, 'the upload page with problems');
});

test('an administrator opens a series from the dashboard and rebases it', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(`${base}/measure`);
  await axe(page, 'the performance dashboard');
  await page.click('tr:has(a:text-is("Staff vacancy rate")) a.concord-dashboard__cell >> nth=0');
  await page.waitForURL(/\/series\/[0-9a-f]+$/);
  assert.equal(await page.locator('figure.concord-spc svg').count(), 1);
  await axe(page, 'a series page');
  await page.click('summary:has-text("Rebase where the process changed")');
  const periods = await page.locator('#starts_on option').allTextContents();
  const at = periods[Math.floor(periods.length / 2)];
  await page.selectOption('#starts_on', at);
  await page.fill('#reason', 'New e-rostering system went live');
  await page.click('button:text-is("Rebase")');
  await page.waitForURL(/\/series\/[0-9a-f]+$/);
  assert.match(await page.textContent('h2:text-is("Rebased") + ul'), new RegExp(`${at}: New e-rostering system went live`));
  assert.ok((await page.textContent('figcaption + ul, ul.nhsuk-list--bullet')).includes(`From ${at}`), 'two groups of limits');

  await page.goto(`${base}/finance/setup`);
  await axe(page, 'the finance set-up page');
  await page.goto(`${base}/metrics/new`);
  await axe(page, 'the new metric form');
});

test('an administrator publishes a benchmark series; an analyst sets a peer\'s beside our own (desktop and 375 px)', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  await page.goto(`${base}/exchange`);
  await axe(page, 'the exchange');
  await page.click('a:has-text("Publish a metric")');
  // A metric with no whole-system values cannot be benchmarked: the page says why.
  await page.click('tr:has-text("Staff vacancy rate") a:has-text("Its benchmark series")');
  assert.match(await page.textContent('[data-testid=refusal]'), /Staff vacancy rate has no whole-system values to publish/);
  await axe(page, 'a refused publication');
  await page.click('tr:has-text("Waiting under 18 weeks") a:has-text("Its benchmark series")');
  assert.match(await page.textContent('[data-testid=disclosure-rule]'), /Not counts of people \(%\)/);
  assert.equal(await page.locator('figure.concord-chart svg').count(), 1, 'the series as an SPC chart');
  await axe(page, 'the publish preview');
  await page.click('button:has-text("Sign and publish version 1")');
  await page.waitForURL(/\/exchange\/published\/benchmark-rtt_18wk$/);
  assert.match(await page.textContent('[data-testid=notice]'), /signed and published/);
  await axe(page, 'a published document');
  // Anyone can fetch it, with no sign-in.
  const index = await (await fetch(`${base}/.well-known/concord/index.json`)).json();
  assert.ok(index.documents.some((d) => d.id.endsWith('/documents/benchmark-rtt_18wk') && d.version === 1));
  // A case study is written in the browser, previewed exactly as it will be signed, and published.
  await page.goto(`${base}/exchange`);
  await page.click('a:has-text("Write a case study")');
  await axe(page, 'writing a case study');
  await page.fill('#title', `Virtual wards for frailty (browser test ${Date.now()})`);
  await page.fill('#problem', 'Older people with frailty admitted for care they could have at home');
  await page.fill('#population', 'People aged 75 and over with moderate or severe frailty');
  await page.check('input[name=partner_ids] >> nth=0');
  await page.fill('#intervention', 'A virtual ward run by the community trust with daily reviews');
  await page.fill('#started_on', '2025-10-01');
  await page.fill('#costs', 'Nurses and therapists | 640,000 | per year | The ICB');
  await page.fill('#differently', 'Agree the criteria for admission with the hospital first');
  await page.fill('#milestones', 'Open ten beds\nOpen forty beds');
  await page.click('button:has-text("Preview it")');
  assert.match(await page.textContent('[data-testid=preview]'), /exactly what will be signed/);
  await axe(page, 'a case study before it is signed');
  await page.click('button:has-text("Sign and publish")');
  assert.match(await page.textContent('[data-testid=notice]'), /signed and published/);
  await page.context().close();

  for (const width of [1280, 375]) {
    const reader = await newPage();
    await reader.setViewportSize({ width, height: 900 });
    await signIn(reader, 'analyst');
    await reader.goto(`${base}/exchange`);
    await reader.click('a:has-text("First-contact physiotherapists in general practice")');
    assert.match(await reader.textContent('[data-testid=provenance]'), /Verified with Northmoor and Dale ICS's pinned key/);
    assert.match(await reader.textContent('main'), /What they would do differently/);
    assert.match(await reader.textContent('main'), /£496,000\.00 a year/);
    await axe(reader, `a peer's case study at ${width} px`);
    await reader.goto(`${base}/exchange`);
    await reader.click('table:has(caption:has-text("kept from other systems")) a:has-text("A&E: seen within 4 hours")');
    await reader.selectOption('#ours', 'ae_4hr');
    await reader.click('button:has-text("Set it beside theirs")');
    assert.match(await reader.textContent('[data-testid=likeness]'), /Like for like/);
    assert.equal(await reader.locator('figure.concord-chart svg').count(), 2, 'theirs and ours');
    assert.ok(await reader.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `fits ${width} px`);
    await axe(reader, `a peer's series beside our own at ${width} px`);
    await reader.context().close();
  }

  // A programme manager starts a programme from the peer's case study: the form is filled from
  // it, and the programme keeps its milestones and where it came from.
  const manager = await newPage();
  await signIn(manager, 'programme');
  await manager.goto(`${base}/exchange`);
  await manager.click('a:has-text("First-contact physiotherapists in general practice")');
  await manager.click('[data-testid=adopt]');
  assert.match(await manager.textContent('main'), /Adopted from Northmoor and Dale ICS's case study/);
  assert.match(await manager.inputValue('#name'), /First-contact physiotherapists in general practice/);
  const name = `FCPs after Northmoor (browser test ${Date.now()})`;
  await manager.fill('#name', name);
  await manager.selectOption('#sro_person_id', { index: 1 });
  await manager.selectOption('#rag', 'green');
  await manager.fill('#rag_reason', 'Starting from what Northmoor learnt');
  await manager.fill('#starts_on', '2027-01-04');
  await manager.check('#objective_ids-1');
  await manager.click('button:has-text("Save programme")');
  await manager.waitForLoadState();
  assert.match(new URL(manager.url()).pathname, /^\/programmes\/[0-9a-f]+$/,
    await manager.locator('.nhsuk-error-summary').textContent().catch(() => 'no error summary'));
  assert.match(await manager.textContent('h1'), /FCPs after Northmoor/);
  assert.match(await manager.textContent('main'), /Adopted from Northmoor and Dale ICS's case study/);
  assert.match(await manager.textContent('main'), /4 February 2027/);
  await manager.context().close();
});
