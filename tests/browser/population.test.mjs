// Concord's "Understand" pages in real headless Chromium (Debian's), driven by Playwright.
// Starts its own `concord demo` (with a 4,000-person synthetic population ingested) on a free port:
//  - an analyst reads the population overview, builds a cohort whose counts change as the fields
//    change (without leaving the page), saves it and reads its results;
//  - a GP practice's clinician opens a worklist of their own patients, with "data as of";
//  - runs axe-core (WCAG 2.2 AA rules) on every Understand page type and expects no violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo } from './demo.mjs';

// Port range 21000-21999, apart from the other browser test files.
const { base, signIn, newPage, axe } = useDemo(21000, 'population');

test('an analyst reads the population and builds a cohort with live counts', async () => {
  const page = await newPage();
  await signIn(page, 'analyst');
  await page.goto(`${base}/population`);
  assert.match(await page.textContent('h1'), /Population/);
  assert.match(await page.textContent('[data-testid=registered]'), /^\d{1,3}(,\d{3})*$/, 'counts have thousands separators');
  assert.ok((await page.locator('figure.concord-figure svg').count()) >= 5, 'pyramid, frailty by place and PCN, segments, deprivation');
  assert.match(await page.textContent('main'), /Counts from 1 to 9 are shown as <10/);
  await axe(page, 'the population overview');

  await page.goto(`${base}/population/cohorts/new`);
  await axe(page, 'the cohort builder');
  const before = await page.textContent('[data-testid=cohort-count]');
  // Narrow it: only the severely frail. The counts and definition change in place.
  await page.check('#frailty-severe');
  await page.waitForFunction(() => document.querySelector('#cohort-definition')?.textContent.includes("'severe'"));
  await page.waitForFunction(() => document.querySelector('[data-cohort-status]')?.textContent.includes('up to date'));
  const after = await page.textContent('[data-testid=cohort-count]');
  assert.notEqual(after, before, `the count changed (${before} then ${after})`);
  assert.equal(page.url(), `${base}/population/cohorts/new`, 'without leaving the page');
  await page.fill('#name', 'Severely frail and at risk of isolation');
  await page.click('button:has-text("Save the cohort")');
  await page.waitForURL(/\/population\/cohorts\/[0-9a-f]+$/);
  assert.match(await page.textContent('h1'), /Severely frail and at risk of isolation/);
  assert.match(await page.textContent('pre'), /frailty in \['severe'\]/);
  await axe(page, 'a cohort\'s results');
  await page.goto(`${base}/population/cohorts`);
  await axe(page, 'the cohort list');
});

test('a clinician goes from home to their worklist in one click, filters it and marks a patient (desktop and 375 px)', async () => {
  for (const width of [1280, 375]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'clinician');
    // Home lists the practice's worklists: one click away.
    await page.click('#worklists + p + ul a:has-text("Older people at risk of social isolation")');
    await page.waitForURL(/\/worklist$/);
    assert.match(await page.textContent('[data-testid=data-as-of]'), /Data as of \d{1,2} [A-Z][a-z]+ \d{4} at/);
    assert.match(await page.textContent('[data-testid=data-as-of]'), /Most in need first/);
    const rows = page.locator('[data-testid=worklist-row]');
    assert.ok((await rows.count()) >= 1);
    await axe(page, `a worklist at ${width} px`);
    const noScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(noScroll, `the worklist fits ${width} px`);
    // Mark the first person, and see it confirmed and kept.
    const first = rows.first();
    await first.locator('select[name=outcome]').selectOption('contacted');
    await first.locator('input[name=note]').fill(`Phoned at ${width} px`);
    await first.locator('button[type=submit]:not([data-testid=refer])').click();
    await page.waitForURL(/\/worklist$/);
    assert.match(await page.textContent('[data-testid=notice]'), /The mark has been saved/);
    assert.ok((await page.content()).includes(`Phoned at ${width} px`));
    // Filter to those not yet marked.
    await page.selectOption('#mark', 'unmarked');
    await page.click('[data-testid=worklist-filters] button');
    await page.waitForURL(/mark=unmarked/);
    assert.ok(!(await page.content()).includes(`Phoned at ${width} px`), 'the marked person is filtered out');
    await page.context().close();
  }
  const page = await newPage();
  await signIn(page, 'clinician');
  await page.goto(`${base}/population/cohorts`);
  await page.click('a:has-text("Older people at risk of social isolation")');
  await page.click('summary:has-text("another practice")');
  await page.click('a:has-text("Break glass")');
  await axe(page, 'the break-glass form');
  await page.context().close();
});

test('a link worker finds a befriending service with places near them and reads it (desktop and 375 px)', async () => {
  for (const width of [1280, 375]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'vcse');
    await page.goto(`${base}/services`);
    assert.match(await page.textContent('[data-testid=result-count]'), /Showing 1 to 25 of \d+/);
    await axe(page, `find a service at ${width} px`);
    // Loneliness, in RV1, with places now.
    const loneliness = await page.$eval('#need', (select) =>
      [...select.options].find((o) => o.textContent.startsWith('Loneliness and social isolation')).value);
    await page.selectOption('#need', loneliness);
    await page.fill('#district', 'RV1 2AB');
    await page.check('#available');
    await page.click('form[role=search] button');
    await page.waitForURL(/need=.*district=RV1/);
    const cards = page.locator('main .nhsuk-card');
    assert.ok((await cards.count()) >= 1, 'some services have places');
    for (const text of await cards.allTextContents()) {
      assert.match(text, /\d+ of \d+ places available \(updated \d{1,2} [A-Z][a-z]+ \d{4}\)/);
      assert.match(text, /RV1 /);
    }
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, `the results fit ${width} px`);
    // Or within 2 km of the middle of RV1, nearest first, each with how far away.
    await page.selectOption('#within', '2000');
    await page.click('form[role=search] button');
    await page.waitForURL(/within=2000/);
    assert.match(await page.textContent('[data-testid=distance-rule]'), /Nearest first\. Distances are in a straight line from the middle of RV1/);
    const distances = await page.locator('[data-testid=distance]').allTextContents();
    assert.ok(distances.length >= 1, 'some services are that near');
    const metres = distances.map((d) => { const m = d.match(/([\d.]+) (m|km)/); return Number(m[1]) * (m[2] === 'km' ? 1000 : 1); });
    assert.deepEqual([...metres].sort((a, b) => a - b), metres, `nearest first: ${distances.join(', ')}`);
    assert.ok(metres.every((m) => m <= 2050), `all within 2 km: ${distances.join(', ')}`);
    await axe(page, `services near a district at ${width} px`);
    // Its page: what it helps with, where and when, whose listing.
    await cards.first().locator('a').first().click();
    await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
    const main = await page.textContent('main');
    assert.match(main, /Helps with/);
    assert.match(main, /Loneliness and social isolation/);
    assert.match(main, /Whose listing/);
    await axe(page, `a service at ${width} px`);
    if (width === 1280) {
      await page.goto(`${base}/services/import`);
      await axe(page, 'the import form');
    }
    await page.context().close();
  }
});

test('a VCSE worker updates the places their service has (desktop and 375 px)', async () => {
  for (const [width, free] of [[1280, 7], [375, 6]]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'vcse');
    await page.goto(`${base}/services?q=befriending+for+older+people`);
    await page.locator('main .nhsuk-card a').first().click();
    await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
    const service = page.url();
    await page.click('a:has-text("Update places available")');
    await page.waitForURL(/\/capacity$/);
    assert.match(await page.inputValue('#maximum'), /^\d+$/, 'filled with what was last said');
    await axe(page, `the places form at ${width} px`);
    // A slip is named beside its field; then the right numbers are saved.
    await page.fill('#available', '50');
    await page.fill('#maximum', '40');
    await page.click('button:has-text("Save places available")');
    assert.match(await page.textContent('main'), /The places at most must be at least the places free now \(50\)/);
    await page.fill('#available', String(free));
    await page.click('button:has-text("Save places available")');
    await page.waitForURL(service);
    assert.match(await page.textContent('[data-testid=notice]'), /capacity has been updated/);
    assert.match(await page.textContent('[data-testid=capacity]'), new RegExp(`${free} of 40 places available \\(updated \\d{1,2} [A-Z][a-z]+ \\d{4}\\)`));
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, `the service page fits ${width} px`);
    await page.context().close();
  }
});

test('a clinician refers someone from the worklist; the service accepts, records a contact and answers; the figures show (desktop and 375 px)', async () => {
  for (const width of [1280, 375]) {
    // The clinician refers the first person on the worklist to a loneliness service.
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, 'clinician');
    await page.click('#worklists + p + ul a:has-text("Older people at risk of social isolation")');
    await page.waitForURL(/\/worklist$/);
    await page.locator('[data-testid=refer]').first().click();
    await page.waitForURL(/\/referrals\/new$/);
    assert.match(await page.inputValue('#nhs_number'), /^\d{10}$/);
    await axe(page, `the referral form at ${width} px`);
    // Age UK Riverside's services (the demo's VCSE login works there), befriending first.
    const services = await page.$eval('#service_id', (select) =>
      [...select.options].filter((o) => o.textContent.includes('(Age UK Riverside'))
        .sort((a, b) => b.textContent.startsWith('Befriending') - a.textContent.startsWith('Befriending'))
        .map((o) => o.value));
    assert.ok(services.length >= 1);
    await page.selectOption('#service_id', services[0]);
    await page.fill('#reason', `Would like company (${width} px)`);
    await page.fill('#phone', '01632 960 001');
    await page.selectOption('#contact_preference', 'phone');
    // Without the person's agreement nothing is sent.
    await page.click('main form button[type=submit]');
    assert.match(await page.textContent('.nhsuk-error-summary'), /Record that the person agreed/);
    assert.match(await page.textContent('#consent-error'), /Record that the person agreed/);
    await page.check('#consent');
    // A person with an open referral to a service is not referred to it twice: try the next.
    for (const service of services) {
      await page.selectOption('#service_id', service);
      // Wait for the answer's page itself, not the form it replaces (a race under load).
      await page.evaluate(() => { document.body.dataset.answered = 'not yet'; });
      await page.click('main form button[type=submit]');
      await page.waitForFunction(() => !document.body?.dataset.answered && document.readyState === 'complete');
      if (/\/referrals\/[0-9a-f]{16}$/.test(page.url())) break;
      assert.match(await page.textContent('.nhsuk-error-summary'), /already has an open referral/);
    }
    await page.waitForURL(/\/referrals\/[0-9a-f]{16}$/);
    assert.match(await page.textContent('[data-testid=notice]'), /The referral has been sent/);
    assert.match(await page.textContent('[data-testid=status]'), /Sent, waiting for a reply/);
    assert.match(await page.textContent('[data-testid=nhs-number]'), /^\d{3} \d{3} \d{4}$/);
    const referral = page.url();
    await axe(page, `a referral (referrer) at ${width} px`);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, `the referral fits ${width} px`);
    await page.context().close();

    // The service accepts it, starts, records a contact and the first answers.
    const service = await newPage();
    await service.setViewportSize({ width, height: 900 });
    await signIn(service, 'vcse');
    await service.click('header a[href="/referrals"]');
    await service.waitForURL(/\/referrals$/);
    await axe(service, `referrals (service) at ${width} px`);
    await service.goto(referral);
    assert.ok(!(await service.locator('[data-testid=nhs-number]').count()), 'the service never sees the NHS number');
    await service.selectOption('#status', 'accepted');
    await service.selectOption('#capacity', 'capacity');
    await service.click('[data-testid=status-form] button[type=submit]');
    await service.waitForURL(referral);
    assert.match(await service.textContent('[data-testid=notice]'), /The referral has been updated/);
    assert.match(await service.textContent('[data-testid=status]'), /Accepted/);
    await service.selectOption('#status', 'in_progress');
    await service.click('[data-testid=status-form] button[type=submit]');
    await service.waitForURL(referral);
    await service.click('summary:has-text("Record a contact")');
    await service.selectOption('[data-testid=contact-form] #kind', 'phone');
    await service.fill('[data-testid=contact-form] #what_happened', 'Talked about the lunch club');
    await service.click('[data-testid=contact-form] button[type=submit]');
    await service.waitForURL(/#contacts$/);
    assert.match(await service.textContent('[data-testid=contacts]'), /Talked about the lunch club/);
    await service.click('summary:has-text("Record answers")');
    await service.selectOption('#stage', 'first_contact');
    for (const [item, score] of [['life_satisfaction', '4'], ['worthwhile', '5'], ['happiness', '5'], ['anxiety', '6']]) {
      await service.selectOption(`#${item}`, score);
    }
    for (const item of ['companionship', 'left_out', 'isolated']) {
      await service.selectOption(`#${item}`, '3');
    }
    await service.click('[data-testid=outcome-form] button[type=submit]');
    await service.waitForURL(/#outcomes$/);
    const outcomes = await service.textContent('[data-testid=outcomes]');
    assert.match(outcomes, /Life satisfaction 4 \(low\)/);
    assert.match(outcomes, /Anxiety 6 \(high\)/);
    assert.match(outcomes, /9 on a scale of 3 to 9/);
    await axe(service, `a referral (service) at ${width} px`);
    const serviceFits = await service.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(serviceFits, `the service's referral page fits ${width} px`);
    await service.context().close();
  }
  // Anyone signed in sees how referrals are going: counts under the disclosure rule.
  const lead = await newPage();
  await signIn(lead, 'lead');
  await lead.goto(`${base}/referrals/figures?by=service`);
  assert.match(await lead.textContent('main'), /Disclosure rule/);
  assert.ok(await lead.locator('[data-testid=referral-counts] tbody tr').count() >= 1);
  await axe(lead, 'how referrals are going');
  // As a phone loads it (not a desktop page squeezed after it was laid out).
  await lead.setViewportSize({ width: 375, height: 900 });
  await lead.reload();
  const widest = await lead.evaluate(() => [document.documentElement.scrollWidth,
    [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
      && !e.closest('.concord-table-scroll')).map((e) => e.tagName + '.' + e.className).slice(0, 5)]);
  assert.ok(widest[0] <= 375, `the figures fit 375 px (${widest[0]} px wide: ${widest[1].join(', ')})`);
  assert.match(await lead.textContent('[data-testid=provision]'), /Places free now/);
  // Who is reached, by ethnic group too (the demo's registered lists say each person's).
  assert.match(await lead.textContent('main'), /Ethnic group \(the NHS's broad groups\)/);
  await lead.context().close();
});

test('a person asks a service for help themselves, without signing in (desktop and 375 px)', async () => {
  // The service's page links to its public form; the demo's VCSE partner takes self-referrals.
  const finder = await newPage();
  await signIn(finder, 'vcse');
  await finder.goto(`${base}/services?q=befriending+for+older+people`);
  await finder.locator('main .nhsuk-card a').first().click();
  await finder.waitForURL(/\/services\/[0-9a-f-]{36}$/);
  const form = `${finder.url()}/refer-yourself`;
  await finder.context().close();
  for (const width of [1280, 375]) {
    const page = await newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(form);
    assert.match(await page.textContent('h1'), /Ask .* for help/);
    await axe(page, `the self-referral form at ${width} px`);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, `the self-referral form fits ${width} px`);
    // Their ethnic group is asked, optional, with a way not to say.
    const groups = await page.$eval('#ethnic_group', (s) => [...s.options].map((o) => o.textContent));
    assert.ok(groups.includes('I would rather not say'), groups.join(', '));
    await page.fill('#given_name', 'Grace');
    await page.fill('#family_name', `Hopper ${width}`);
    await page.fill('#reason', 'I do not see anyone most days');
    await page.fill('#email', 'grace@example.org');
    await page.selectOption('#contact_preference', 'email');
    await page.selectOption('#ethnic_group', 'not_said');
    await page.click('main form button[type=submit]');
    assert.match(await page.textContent('.nhsuk-error-summary'), /agree to the service holding these details/);
    await page.check('#consent');
    await page.click('main form button[type=submit]');
    await page.waitForURL(/\/refer-yourself\/sent$/);
    assert.match(await page.textContent('main'), /Your request has been sent/);
    await axe(page, `the self-referral sent page at ${width} px`);
    await page.context().close();
  }
  // The service sees both requests.
  const service = await newPage();
  await signIn(service, 'vcse');
  await service.goto(`${base}/referrals`);
  const list = await service.textContent('main');
  assert.match(list, /Grace Hopper 1280/);
  assert.match(list, /Grace Hopper 375/);
  await service.context().close();
});
