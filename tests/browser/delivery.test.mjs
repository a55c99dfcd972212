// Concord's "Govern and deliver" pages in real headless Chromium (Debian's), driven by Playwright.
// Starts its own `concord demo` on a free port with a fresh database, then:
//  - walks a board member's journey: programme -> governing board -> upcoming meeting -> record a decision
//    -> the decision is in that meeting's board pack; someone not on the board sees it but cannot record one;
//  - runs axe-core (WCAG 2.2 AA rules) on every governing page type and expects no violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo } from './demo.mjs';

// Port range 19000-19999, apart from the other browser test files so they can run side by side.
const { base, signIn, newPage, axe } = useDemo(19000, 'delivery');
const programmeName = 'MSK first-contact physiotherapy';
const boardName = 'Musculoskeletal Transformation Programme Board';

// From the programmes list to the programme, its governing board, and the board's latest meeting.
async function openProgramme(page) {
  await page.goto(`${base}/programmes`);
  await page.click(`table a:has-text("${programmeName}")`);
  await page.waitForURL(/\/programmes\/[0-9a-f]+$/);
  assert.match(await page.textContent('h1'), new RegExp(programmeName));
  return page.url();
}

async function openGoverningBoard(page) {
  await page.click('.nhsuk-summary-list__row:has(dt:text-is("Governed by")) a');
  await page.waitForURL(/\/boards\/[0-9a-f]+$/);
  assert.match(await page.textContent('h1'), new RegExp(boardName));
  return page.url();
}

async function openLatestMeeting(page) {
  // The board lists its meetings latest first; the first is the upcoming one.
  const first = page.locator('#meetings + ul > li').first();
  // Dates are written for people: "9 June 2026".
  const date = (await first.textContent()).match(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/)?.[0];
  assert.ok(date, 'each meeting in the list shows its date');
  const day = new Date(`${date} UTC`).toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  assert.ok(day >= today, `the latest meeting (${date}) is still to come`);
  await first.locator('a').first().click();
  await page.waitForURL(/\/meetings\/[0-9a-f]+$/);
  assert.match(await page.textContent('.nhsuk-lede-text'), new RegExp(date));
  return page.url();
}

test('a board member records a decision and sees it in the next board pack', async () => {
  const page = await newPage();
  await signIn(page, 'programme');
  const programmeUrl = await openProgramme(page);
  await openGoverningBoard(page);
  const meetingUrl = await openLatestMeeting(page);

  await page.click('a:has-text("Record a decision")');
  await page.waitForURL(`${meetingUrl}/decisions/new`);
  assert.match(await page.textContent('h1'), /Record a decision/);
  const title = `Fund the FCP recovery plan (browser test ${Date.now()})`;
  await page.fill('#title', title);
  await page.fill('#decision', 'The board approved the recovery plan and the next phase of first-contact physiotherapy.');
  await page.fill('#options_considered', 'Pause, continue as is, or fund the recovery plan; the plan recovers the slipped milestones.');
  await page.fill('#decided_by', 'The board, unanimously');
  await page.selectOption('#programme_id', { label: programmeName });
  assert.equal(await page.isChecked('#confidential'), false, 'decisions are not confidential unless ticked');
  await page.click('form[action$="/decisions"] button:has-text("Save")');
  await page.waitForURL((url) => url.href.startsWith(meetingUrl) && !url.pathname.endsWith('/decisions/new'));
  assert.equal(new URL(page.url()).pathname, new URL(meetingUrl).pathname, 'back on the meeting page');
  const decisions = page.locator('#decisions ~ .nhsuk-card:has(h3:text-is("' + title + '"))');
  assert.equal(await decisions.count(), 1, 'the meeting page shows the new decision');
  const card = await decisions.textContent();
  assert.match(card, /approved the recovery plan/);
  assert.match(card, /Options considered: Pause, continue as is/);
  assert.match(card, /Decided by: The board, unanimously/);
  assert.match(card, /Recorded by Priya Shah/);

  await page.click('a:has-text("Board pack") >> nth=0');
  await page.waitForURL(`${meetingUrl}/pack`);
  assert.match(await page.textContent('h1'), new RegExp(boardName));
  const thisMeeting = page.locator('h3:text-is("Decisions at this meeting") + ul');
  assert.ok((await thisMeeting.textContent()).includes(title), 'the pack lists the decision');

  // Linked to the programme, the decision shows on the programme's own page too.
  await page.goto(programmeUrl);
  assert.ok((await page.textContent('#decisions + ul')).includes(title), "the programme page lists the board's decision");
  await page.context().close();

  // Someone not on the board may read the meeting and the (non-confidential) decision, but not record one.
  const other = await newPage();
  await signIn(other, 'analyst');
  await other.goto(meetingUrl);
  assert.match(await other.textContent('h1'), new RegExp(boardName));
  assert.equal(await other.locator('#decisions ~ .nhsuk-card:has(h3:text-is("' + title + '"))').count(), 1,
    'the analyst sees the decision');
  assert.equal(await other.locator('a:has-text("Record a decision")').count(), 0, 'no "Record a decision" for a non-member');
  const response = await other.goto(`${meetingUrl}/decisions/new`);
  assert.equal(response.status(), 403, 'the decision form is refused to a non-member');
  await other.goto(`${meetingUrl}/pack`);
  assert.ok((await other.textContent('h3:text-is("Decisions at this meeting") + ul')).includes(title),
    'the non-confidential decision is in the pack the analyst reads');
  await other.context().close();
});

test('governing pages pass axe-core WCAG 2.2 AA checks', async () => {
  const page = await newPage();
  await signIn(page, 'programme');
  await page.goto(`${base}/programmes`);
  await axe(page, 'programmes');
  const programmeUrl = await openProgramme(page);
  await axe(page, 'programme');
  await page.click('a:text-is("Highlight report")');
  await page.waitForURL(`${programmeUrl}/highlight`);
  await axe(page, 'highlight report');
  await page.goto(`${base}/dependencies`);
  await axe(page, 'dependencies');
  await page.goto(`${base}/my-work`);
  await axe(page, 'my work');

  await page.goto(programmeUrl);
  await openGoverningBoard(page);
  await axe(page, 'board');
  const meetingUrl = await openLatestMeeting(page);
  await axe(page, 'meeting');
  await page.goto(`${meetingUrl}/pack`);
  await axe(page, 'board pack');
  await page.goto(`${meetingUrl}/decisions/new`);
  await axe(page, 'decision form');

  // A risk with an impossible likelihood (9 on a 1-5 scale) is refused with an error summary.
  await page.goto(`${programmeUrl}/risks/new`);
  await axe(page, 'risk form');
  await page.fill('#title', 'If the browser test sends nonsense, then the form says so');
  await page.selectOption('#owner_person_id', { label: 'Priya Shah (Programme Manager, Musculoskeletal Transformation)' });
  await page.evaluate(() => {
    const select = document.querySelector('#likelihood');
    select.add(new Option('9', '9'));
    select.value = '9';
  });
  await page.selectOption('#impact', '3');
  await page.selectOption('#target_likelihood', '1');
  await page.selectOption('#target_impact', '3');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${programmeUrl}/risks` && r.request().method() === 'POST'),
    page.click('form[action$="/risks"] button:has-text("Save")'),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState();
  assert.match(await page.textContent('.nhsuk-error-summary'), /likelihood/i);
  await axe(page, 'risk form with errors');
  await page.context().close();
});

// The page never scrolls sideways at the current width.
async function fitsTheScreen(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${what} is ${scroll} px wide on a ${inner} px screen`);
}

test('a programme manager is told of their work in Concord and chooses what they are e-mailed (375 px and desktop)', async () => {
  for (const width of [375, 1280]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'programme');
    // The server works notifications out as it starts; wait for the header's count.
    const count = page.locator('[data-testid="notifications-link"] .concord-count');
    for (let tries = 0; tries < 40 && (await count.count()) === 0; tries++) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    if (width === 375) assert.ok(await count.count() === 1, 'the header shows how many notifications are unread');
    await page.click('[data-testid="notifications-link"]');
    await page.waitForURL(`${base}/notifications`);
    assert.match(await page.textContent('h1'), /Notifications/);
    await axe(page, `notifications at ${width} px`);
    await fitsTheScreen(page, `notifications at ${width} px`);
    const items = page.locator('[data-testid="notifications"] > li');
    assert.ok(await items.count() > 0, 'the programme manager has notifications');
    if (width === 375) {
      const unread = await page.locator('[data-testid="notifications"] .nhsuk-tag:text-is("Unread")').count();
      await items.first().locator('button').click();
      await page.waitForURL((url) => url.pathname !== '/notifications');
      await page.goto(`${base}/notifications`);
      assert.equal(await page.locator('[data-testid="notifications"] .nhsuk-tag:text-is("Unread")').count(), unread - 1,
        'opening one marks it read');
    }
    await page.click('a:has-text("Choose what you are told about")');
    await page.waitForURL(`${base}/notifications/settings`);
    await axe(page, `notification settings at ${width} px`);
    await fitsTheScreen(page, `notification settings at ${width} px`);
    await page.uncheck('input[name="email"][value="action_overdue"]');
    await page.click('button:has-text("Save settings")');
    await page.waitForURL(`${base}/notifications`);
    assert.match(await page.textContent('[data-testid="notice"]'), /notification settings have been saved/);
    await page.goto(`${base}/notifications/settings`);
    assert.equal(await page.isChecked('input[name="email"][value="action_overdue"]'), false, 'the choice is kept');
    assert.equal(await page.isChecked('input[name="in_app"][value="action_overdue"]'), true);
    await page.context().close();
  }
});

test('an administrator issues the board pack; the issued version is kept as circulated (375 px and desktop)', async () => {
  const page = await newPage();
  await signIn(page, 'programme');
  await openProgramme(page);
  await openGoverningBoard(page);
  const meetingUrl = await openLatestMeeting(page);
  await page.context().close();

  const admin = await newPage();
  await admin.setViewportSize({ width: 375, height: 900 });
  await signIn(admin, 'admin');
  await admin.goto(`${meetingUrl}/pack`);
  assert.match(await admin.textContent('[data-testid="pack-draft"]'), /not been issued/);
  await admin.click('[data-testid="issue-pack"]');
  await admin.waitForURL(`${meetingUrl}/pack`);
  assert.match(await admin.textContent('[data-testid="notice"]'), /board pack has been issued/);
  assert.match(await admin.textContent('[data-testid="pack-issued"]'), /exactly as circulated/);
  assert.match(await admin.textContent('.nhsuk-caption-l'), /version 1/);
  await axe(admin, 'issued board pack at 375 px');
  await fitsTheScreen(admin, 'issued board pack at 375 px');
  const pdf = await admin.request.get(`${meetingUrl}/pack/versions/1/pdf`);
  assert.equal(pdf.status(), 200);
  assert.ok((await pdf.body()).subarray(0, 4).toString() === '%PDF', 'the issued PDF');
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.goto(`${meetingUrl}`);
  await axe(admin, 'meeting with its opening business');
  await admin.click('a:has-text("Record apologies")');
  await axe(admin, 'apologies form');
  await admin.context().close();
});

test('a programme manager reads the FCP business case, runs it again, and builds a scenario of their own (375 px and desktop)', async () => {
  for (const width of [1280, 375]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'programme');
    // The programme's business case lists the demo's scenarios.
    await page.goto(`${base}/programmes`);
    await page.click(`table a:has-text("${programmeName}")`);
    await page.waitForURL(/\/programmes\/[0-9a-f]+$/);
    await page.click('#business-case + ul a:has-text("First-contact physiotherapy in every network")');
    await page.waitForURL(/\/design\/scenarios\/[0-9a-f]+$/);
    const scenarioUrl = page.url();
    assert.match(await page.textContent('h1'), /First-contact physiotherapy in every network/);
    // Every parameter with its source; the latest results against the base, with the ledger.
    assert.match(await page.textContent('main'), /Taunton two-year evaluation/);
    assert.match(await page.textContent('main'), /Against the base/);
    assert.match(await page.textContent('main'), /What each partner pays and gains/);
    await axe(page, `a scenario with results at ${width} px`);
    await fitsTheScreen(page, `a scenario at ${width} px`);
    if (width === 1280) {
      // Run it again: the run page shows progress, then the results, without a reload by hand.
      await page.click('button:has-text("Run and compare with the base")');
      await page.waitForURL(/\/design\/runs\/[0-9a-f]+$/);
      assert.match(await page.textContent('[data-testid="notice"]'), /The run has started/);
      await page.waitForSelector('h3:has-text("How these results were made")', { timeout: 120000 });
      assert.match(await page.textContent('main'), /paired differences/);
      await axe(page, 'a finished run');
      // Build a scenario: the form starts from a model that runs, and says where a bad one fails.
      await page.goto(`${base}/design`);
      await page.click('a:has-text("Build a scenario")');
      await page.waitForURL(`${base}/design/scenarios/new`);
      await axe(page, 'the scenario form');
      await page.fill('#title', `Four FCP clinicians (browser test ${Date.now()})`);
      const model = await page.inputValue('#model');
      await page.fill('#model', model.replace('servers = 4', 'servers = 0'));
      await page.click('button:has-text("Save scenario")');
      await page.waitForLoadState();
      assert.match(await page.textContent('.nhsuk-error-summary'), /line \d+, column \d+: servers must be/);
      await page.fill('#model', model);
      await page.click('button:has-text("Save scenario")');
      await page.waitForURL(/\/design\/scenarios\/[0-9a-f]+$/);
      assert.match(await page.textContent('[data-testid="notice"]'), /The scenario has been saved/);
      assert.match(await page.textContent('main'), /Not run yet/);
    } else {
      const runs = page.locator('a[href^="/design/runs/"]');
      await runs.first().click();
      await page.waitForURL(/\/design\/runs\/[0-9a-f]+$/);
      await fitsTheScreen(page, `a run's results at ${width} px`);
      await page.goto(scenarioUrl);
    }
    await page.context().close();
  }
});
