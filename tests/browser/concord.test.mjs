// Concord's pages in real headless Chromium (Debian's), driven by Playwright.
// Starts `concord demo` on a free port with a fresh database, then:
//  - walks a partner lead's journey: sign in, search the directory, edit their organisation, sign out;
//  - checks another organisation's lead cannot edit it;
//  - runs axe-core (WCAG 2.2 AA rules) on every page type and expects no violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo } from './demo.mjs';

// Port range 18000-18999, apart from the other browser test files so they can run side by side.
const { base, signIn, newPage, axe } = useDemo(18000, 'pages');

test('a partner lead signs in, searches, edits their organisation and signs out', async () => {
  const page = await newPage();
  await signIn(page, 'lead');
  const who = await page.textContent('[data-testid=signed-in-name]');
  assert.ok(who.trim().length > 0, 'the header names the signed-in person');
  assert.match(await page.textContent('[data-testid=signed-in-organisation]'), /Riverside University Hospitals/);

  await page.click('text=Organisations');
  await page.fill('#q', 'Riverside University');
  await page.click('form[role=search] button[type=submit]');
  assert.match(await page.textContent('[data-testid=result-count]'), /Showing 1 to \d+ of \d+/);
  await page.click('table a:has-text("Riverside University Hospitals")');
  const orgUrl = page.url();
  await page.click('text=Edit organisation');
  const note = `Updated in the browser test at ${new Date().toISOString()}`;
  await page.fill('#description', note);
  await page.click('form[action$="/edit"] button[type=submit]');
  await page.waitForURL(orgUrl);
  assert.ok((await page.content()).includes(note), 'the new description is shown');

  // A bad edit is refused with a clear message and the old value kept.
  await page.click('text=Edit organisation');
  await page.fill('#name', '');
  await page.click('form[action$="/edit"] button[type=submit]');
  assert.match(await page.textContent('.nhsuk-error-summary'), /Enter a name/);
  await page.goto(orgUrl);
  assert.match(await page.textContent('h1'), /Riverside University Hospitals/);

  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/\/login\?signed_out=1/);
  await page.goto(`${base}/directory`);
  assert.match(page.url(), /\/login\?next=/, 'signed out: the directory asks to sign in again');
  await page.context().close();
});

test("a partner lead gives their organisation's view and sees the alignment", async () => {
  const page = await newPage();
  await signIn(page, 'lead');
  await page.click('text=Strategy');
  await page.click('table a:has-text("Joint Forward Plan")');
  await page.click('a:has-text("Riverside University Hospitals NHS Foundation Trust\'s view")');
  await axe(page, 'partner view form');
  const selects = page.locator('select');
  assert.equal(await selects.count(), 12, 'one rank per service area');
  for (let i = 0; i < 12; i++) await selects.nth(i).selectOption('');
  await selects.nth(0).selectOption('1');
  await selects.nth(1).selectOption('1');
  await page.fill('#aims', 'Cut waits for planned care.');
  await page.click('button:has-text("Save our view")');
  await page.waitForURL(/\/alignment$/);
  assert.match(await page.textContent('h1'), /Where partners align/);
  assert.ok((await page.locator('[data-testid=consensus] li').count()) === 12);
  assert.ok((await page.locator('[data-testid=heatmap] tbody tr').count()) > 40, 'every partner in the heat map');
  await page.context().close();
});

test('a board member responds to a consent proposal and sees where it stands', async () => {
  const page = await newPage();
  await signIn(page, 'otherlead');
  await page.click('text=Strategy');
  await page.click('table a:has-text("Joint Forward Plan")');
  await page.click('a:has-text("Adopt the Joint Forward Plan")');
  await axe(page, 'proposal');
  const before = await page.textContent('[data-testid=standing]');
  assert.match(before, /5 of the 8/);
  await page.check('input[name=kind][value=concern]');
  await page.fill('textarea[name=text]', 'Social care must be funded too.');
  await page.click('button:has-text("Send response")');
  await page.waitForURL(/\/proposals\/[0-9a-f]+$/);
  assert.match(await page.textContent('[data-testid=standing]'), /6 of the 8/);
  assert.match(await page.textContent('table'), /Social care must be funded too\./);
  assert.match(await page.textContent('main'), /current response: Consent with a concern/);
  await page.context().close();
});

test("another organisation's lead cannot edit it", async () => {
  const page = await newPage();
  await signIn(page, 'lead');
  await page.click('text=Organisations');
  await page.fill('#q', 'Riverside University');
  await page.click('form[role=search] button[type=submit]');
  await page.click('table a:has-text("Riverside University Hospitals")');
  const orgUrl = page.url();
  await page.context().close();

  const other = await newPage();
  await signIn(other, 'otherlead');
  await other.goto(orgUrl);
  assert.equal(await other.locator('text=Edit organisation').count(), 0, 'no edit button for another organisation');
  const response = await other.goto(`${orgUrl}/edit`);
  assert.equal(response.status(), 403);
  assert.match(await other.textContent('h1'), /You do not have permission/);
  await other.context().close();
});

test('every page type passes axe-core WCAG 2.2 AA checks', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await axe(page, 'home (signed out)');
  await page.goto(`${base}/login`);
  await axe(page, 'sign-in');
  await page.click('button[type=submit]');
  await axe(page, 'sign-in with errors');
  await page.goto(`${base}/no-such-page`);
  await axe(page, 'not found');
  for (const path of ['/help', '/help/glossary', '/accessibility', '/privacy', '/contact']) {
    await page.goto(`${base}${path}`);
    await axe(page, path);
  }
  await page.goto(`${base}/public`);
  await axe(page, 'public plans');
  await page.click('main a >> nth=0');
  await axe(page, 'public plan');

  await signIn(page, 'admin');
  await axe(page, 'home (signed in)');
  await page.goto(`${base}/directory`);
  await axe(page, 'directory');
  await page.click('table a >> nth=0');
  await axe(page, 'organisation');
  const orgUrl = page.url();
  await page.goto(`${orgUrl}/edit`);
  await axe(page, 'organisation form');
  await page.fill('#name', '');
  await page.click('form[action$="/edit"] button[type=submit]');
  await axe(page, 'organisation form with errors');
  await page.goto(`${orgUrl}/people/new`);
  await axe(page, 'new person form');
  await page.goto(`${orgUrl}/boards/new`);
  await axe(page, 'new board form');
  await page.goto(`${base}/organisations/new`);
  await axe(page, 'new organisation form');
  await page.goto(`${base}/people`);
  await axe(page, 'people');
  await page.click('table a >> nth=0');
  await axe(page, 'person');
  await page.goto(`${page.url()}/edit`);
  await axe(page, 'person form');
  await page.goto(`${base}/places`);
  await axe(page, 'places');
  await page.click('table a >> nth=0');
  await axe(page, 'place');
  await page.goto(`${page.url()}/edit`);
  await axe(page, 'place form');
  await page.goto(`${base}/places/new`);
  await axe(page, 'new place form');
  await page.goto(`${base}/boards`);
  await axe(page, 'boards');
  await page.click('table a >> nth=0');
  await axe(page, 'board');
  await page.goto(`${page.url()}/edit`);
  await axe(page, 'board form');
  await page.goto(`${base}/rounds`);
  await axe(page, 'strategy rounds');
  await page.click('table a >> nth=0');
  await axe(page, 'strategy round');
  const roundUrl = page.url();
  await page.goto(`${roundUrl}/alignment`);
  await axe(page, 'alignment view');
  await page.goto(`${roundUrl}/edit`);
  await axe(page, 'round form');
  await page.goto(`${roundUrl}/vision`);
  await axe(page, 'vision');
  await page.goto(`${roundUrl}/vision/diff?from=1&to=2`);
  await axe(page, 'vision comparison');
  await page.goto(`${roundUrl}/vision/edit`);
  await axe(page, 'vision form');
  await page.goto(`${roundUrl}/proposals/new`);
  await axe(page, 'proposal form');
  await page.goto(`${roundUrl}/priorities`);
  await axe(page, 'priorities');
  await page.goto(`${roundUrl}/objectives/new`);
  await axe(page, 'objective form');
  await page.click('button:has-text("Add objective")');
  await axe(page, 'objective form with errors');
  await page.goto(`${base}/audit`);
  await axe(page, 'audit log');
  await page.goto(`${base}/account`);
  await axe(page, 'account');
  await page.fill('#name', 'Browser test');
  await page.click('form[action="/account/tokens"] button[type=submit]');
  await axe(page, 'account with a new token');
  await page.context().close();
});

test('a partner lead gives a colleague a role, is never offered administrator, and cannot give a role to themselves (desktop and 375 px)', async () => {
  for (const [width, role, label] of [[1280, 'analyst', 'Analyst'], [375, 'vcse_worker', 'VCSE worker']]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'lead');
    await page.goto(`${base}/directory?q=Riverside+University+Hospitals`);
    await page.click('table a:has-text("Riverside University Hospitals")');
    const orgUrl = page.url();
    await page.click('summary:has-text("Give someone already in the directory a role here")');
    const offered = await page.locator('select#role option').evaluateAll((options) => options.map((o) => o.value));
    assert.ok(offered.includes('direct_care_clinician'), 'a trust may have clinicians');
    assert.ok(!offered.includes('system_administrator'), 'a partner lead is never offered administrator');

    await page.fill('#email', 'tom.gallagher@riversidecity.gov.uk');
    await page.selectOption('#role', role);
    await page.click('form[action$="/memberships"] button[type=submit]');
    await page.waitForURL(orgUrl);
    const rows = page.locator('tr', { hasText: 'Tom Gallagher' }).filter({ hasText: `Remove Tom Gallagher as ${label}` });
    assert.equal(await rows.count(), 1, `Tom Gallagher is listed as ${label}`);

    // Giving a role to themselves is refused, with the reason beside the field.
    await page.click('summary:has-text("Give someone already in the directory a role here")');
    await page.fill('#email', 'daniel.hughes@nhs.net');
    await page.selectOption('#role', 'programme_manager');
    await page.click('form[action$="/memberships"] button[type=submit]');
    assert.match(await page.textContent('.nhsuk-error-summary'), /Nobody may grant a role or a board seat to themselves/);
    await axe(page, `organisation page with a refused self-grant at ${width} px`);
    await page.context().close();
  }
});

// Every page fits the screen: at 320, 375, 768 and 1280 px the page itself never scrolls
// sideways (a wide table scrolls inside its own labelled box instead).
test('no page is wider than the screen at 320, 375, 768 and 1280 px', async () => {
  const page = await newPage();
  await signIn(page, 'admin');
  const paths = new Set(['/', '/public', '/my-work', '/account', '/audit', '/help', '/help/glossary', '/accessibility', '/privacy', '/contact', '/notifications', '/notifications/settings', '/admin/mail']);
  const menu = await page.$$eval('header a[href^="/"]', (links) => links.map((a) => a.getAttribute('href')));
  for (const href of menu) if (!href.startsWith('/logout')) paths.add(href);
  // One page of each list's first item, and the public plan.
  for (const list of [...paths]) {
    await page.goto(`${base}${list}`);
    const first = await page.$$eval('main table a[href^="/"], main .nhsuk-card a[href^="/"]',
      (links) => links.map((a) => a.getAttribute('href')).slice(0, 1));
    for (const href of first) paths.add(href.split('#')[0]);
  }
  assert.ok(paths.size >= 20, `enough pages to check: ${[...paths].join(', ')}`);
  // Each page is loaded once and measured at every width: resizing the viewport lays the page out
  // again without fetching it (four loads per page took three minutes of CI).
  const wide = [];
  for (const path of paths) {
    await page.setViewportSize({ width: 1280, height: 900 });
    const reply = await page.goto(`${base}${path}`);
    if (reply.status() >= 400) continue;
    // Page-weight budget: no page's HTML over 200 KB (the stylesheet and scripts, about 47 KB
    // compressed, are shared and cached).
    const html = (await reply.body()).length;
    if (html > 200_000) wide.push(`${path} weighs ${html} bytes of HTML, over the 200 KB budget`);
    for (const width of [1280, 768, 375, 320]) {
      await page.setViewportSize({ width, height: 900 });
      // The header's script rearranges its menu on the resize event: measure after it has run.
      const { scroll, inner } = await page.evaluate(() => new Promise((done) => setTimeout(() =>
        requestAnimationFrame(() => done({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })), 50)));
      if (scroll > inner) wide.push(`${path} at ${width} px is ${scroll} px wide`);
    }
  }
  assert.deepEqual(wide, [], `pages wider than the screen:\n${wide.join('\n')}`);
  await page.context().close();
});

test('a person has their say with JavaScript off at 375 px, then reads what was done; an analyst tags answers', async () => {
  // The whole journey works with JavaScript off; axe (which needs JavaScript) then checks each
  // page type at the same width.
  for (const javaScriptEnabled of [false, true]) {
    const page = await newPage({ javaScriptEnabled, viewport: { width: 375, height: 800 } });
    const check = async (label) => { if (javaScriptEnabled) await axe(page, label); };
    await page.goto(`${base}/have-your-say`);
    await check('have your say');
    await page.click('a.nhsuk-card__link:has-text("tell us what works for you")');
    await check('a public consultation');
    // A ranking with a number used twice is refused, the problem linked to its question.
    await page.check('text=Used the NHS App or website');
    await page.check('label:has-text("4")');
    await page.selectOption('select[id$="_0"]', '1');
    await page.selectOption('select[id$="_1"]', '1');
    await page.click('button:has-text("Send my response")');
    assert.match(await page.textContent('.nhsuk-error-summary'), /Number them 1 to 3, using each number once/);
    assert.ok(await page.isChecked('text=Used the NHS App or website'), 'what was given is kept');
    await check('a public consultation with a problem');
    await page.selectOption('select[id$="_1"]', '2');
    await page.selectOption('select[id$="_2"]', '3');
    await page.fill('textarea', 'A call back the same morning');
    await page.selectOption('#age_band', '25_34');
    await page.click('button:has-text("Send my response")');
    assert.match(await page.textContent('[data-testid=thanks]'), /Thank you/);
    await check('the thank-you page');
    // The Joint Forward Plan's results: what people raised and what was done, in numbers that
    // never show fewer than 10 people.
    await page.goto(`${base}/have-your-say`);
    await page.click('a:has-text("Our Joint Forward Plan")');
    assert.match(await page.textContent('main'), /We did:/);
    assert.match(await page.textContent('[data-testid=disclosure-rule]'), /Counts from 1 to 9/);
    assert.match(await page.textContent('[data-testid=as-of]'), /counted again at most once a day/);
    // A theme acted on through a programme shows how far the promise has got.
    assert.match(await page.locator('[data-testid=promise]').first().textContent(), /\d+ of \d+ milestones done/);
    if (javaScriptEnabled) {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits 375 px');
    }
    await check('you said, we did');
    await page.click('a:has-text("across all its consultations")');
    assert.match(await page.textContent('h1'), /Joint Forward Plan/);
    assert.ok(await page.locator('.nhsuk-card').count() >= 8, 'every theme of the round');
    await check('you said, we did for a round');
    await page.context().close();
  }

  const analyst = await newPage();
  await signIn(analyst, 'analyst');
  await analyst.goto(`${base}/consultations`);
  await analyst.click('a:has-text("Our Joint Forward Plan")');
  assert.match(await analyst.textContent('[data-testid=agreement]'), /almost perfect/);
  // Reach against the registered population: the demo's responses over-hear older people.
  assert.match(await analyst.textContent('[data-testid=reach-rule]'), /aged 16 or over on the practices' registered lists/);
  assert.ok(await analyst.locator('text=Under-heard').count() > 0, 'some group is under-heard');
  await axe(analyst, 'a consultation for the partnership');
  await analyst.click('a:has-text("Tag answers with themes")');
  // The demo's analyst has read every answer; the page says so.
  assert.match(await analyst.textContent('[data-testid=left]'), /You have read every answer/);
  await axe(analyst, 'tagging');
  await analyst.context().close();
});

// The trust pulse: a VCSE worker answers for their own organisation with JavaScript off at
// 375 px (told what is missing first), and cannot answer twice; the results, a relationship's
// trend and the ICB board's pack show the fall after the disputed decision, with nothing under
// the floor.
test('a VCSE worker answers the trust pulse with JavaScript off at 375 px; the fall is in the results and the board pack', async () => {
  const page = await newPage({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  await signIn(page, 'vcse');
  await page.goto(`${base}/pulse`);
  await page.click('[data-testid=pulse-answer-link]');
  await page.getByLabel('NHS Riverside and Vale Integrated Care Board').check();
  await page.getByLabel('Vale County Council').check();
  await page.click('button:has-text("Continue")');
  assert.match(await page.textContent('main'), /Vale County Council is a trustworthy partner|Overall, Vale County Council is a trustworthy partner/);
  // Every statement but one answered: the form says which is missing and keeps the rest.
  const agree = page.locator('input[type=radio][value="4"]');
  const n = await agree.count();
  assert.equal(n, 6 + 2 * 5, 'six principles and five statements for each of two partners');
  for (let i = 0; i < n - 1; i++) await agree.nth(i).check();
  await page.click('button:has-text("Send my answer")');
  assert.match(await page.textContent('.nhsuk-error-summary'), /Choose how far you agree: Overall, Vale County Council is a trustworthy partner/);
  assert.equal(await page.locator('input[type=radio][value="4"]:checked').count(), n - 1, 'what was answered is kept');
  await page.locator('input[type=radio][value="4"]').nth(n - 1).check();
  await page.click('button:has-text("Send my answer")');
  await page.waitForURL(`${base}/pulse`);
  assert.match(await page.textContent('[data-testid=pulse-answered]'), /You have answered this round/);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits 375 px');
  await page.context().close();

  const lead = await newPage();
  await signIn(lead, 'lead');
  await lead.goto(`${base}/pulse`);
  await axe(lead, 'trust pulse');
  const falls = await lead.textContent('[data-testid=pulse-falls]');
  assert.match(falls, /Vale and Northmoor Community Health NHS Trust rating NHS Riverside and Vale Integrated Care Board: \d\.\d, below the lower limit/);
  await lead.click('[data-testid=pulse-falls] a:has-text("Community Health NHS Trust rating")');
  assert.match(await lead.textContent('main'), /ICB board decides to move community stroke rehabilitation beds/);
  await axe(lead, 'a relationship over time');
  await lead.goto(`${base}/pulse`);
  await lead.click('[data-testid=pulse-latest] a');
  const matrix = await lead.textContent('[data-testid=pulse-matrix]');
  assert.match(matrix, /Withheld/);
  for (const m of matrix.matchAll(/\((\d+)\)/g)) assert.ok(Number(m[1]) >= 5, `a figure rests on ${m[1]} respondents`);
  await axe(lead, 'a round of the pulse');

  // Who works with whom: the strained link is in the table, and the page fits 375 px.
  await lead.goto(`${base}/pulse`);
  await lead.click('a:has-text("Who works with whom")');
  await lead.selectOption('#organisation', { label: 'Vale and Northmoor Community Health NHS Trust' });
  await lead.click('button:has-text("Show")');
  const icbRow = lead.locator('[data-testid=relationships] tr:has-text("Riverside and Vale Integrated Care Board")');
  assert.match(await icbRow.textContent(), /Strained/);
  await axe(lead, 'who works with whom');
  await lead.setViewportSize({ width: 375, height: 800 });
  await lead.reload();
  // The header's script rearranges its menu on the resize event: measure after it has run.
  const fits = await lead.evaluate(() => new Promise((done) => setTimeout(() =>
    requestAnimationFrame(() => done(document.documentElement.scrollWidth <= window.innerWidth)), 50)));
  assert.ok(fits, 'fits 375 px');
  await lead.setViewportSize({ width: 1280, height: 900 });

  await lead.goto(`${base}/boards`);
  await lead.click('a:has-text("NHS Riverside and Vale ICB Board")');
  await lead.locator('#meetings + ul > li').first().locator('a').first().click();
  await lead.click('a:has-text("Board pack") >> nth=0');
  assert.match(await lead.textContent('[data-testid=pack-pulse]'), /trust between partners \d\.\d out of 5/);
  assert.match(await lead.textContent('main'), /Community Health NHS Trust rating NHS Riverside and Vale Integrated Care Board/);
  await lead.context().close();
});
