// Starts the NHS.UK frontend's components (header menu, error summary focus, etc.). Pages work without it.
import { initAll } from '/assets/nhsuk-frontend.min.js';
initAll();

// The cohort builder: as its fields change, count again (after a pause) and swap in the results
// and the definition, without leaving the page. Without scripts, the "Count" button does the same.
const builder = document.querySelector('[data-module="cohort-builder"]');
if (builder) {
  let timer;
  let sent = 0;
  const status = builder.querySelector('[data-cohort-status]');
  const count = async () => {
    const mine = ++sent;
    if (status) status.textContent = 'Counting…';
    const body = new URLSearchParams(new FormData(builder));
    const response = await fetch(builder.action, {
      method: 'POST',
      body,
      headers: { 'X-CSRF-Token': body.get('csrf_token') || '' },
      credentials: 'same-origin',
    });
    if (mine !== sent) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const id of ['cohort-results', 'cohort-definition', 'cohort-error']) {
      const fresh = page.getElementById(id);
      const current = document.getElementById(id);
      if (fresh && current) current.replaceWith(fresh);
    }
    if (status) status.textContent = 'Counts are up to date.';
  };
  builder.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(count, 400);
  });
}

// Wide tables scroll inside their own box. Where a table is wider than its box, say so above it
// ("Scroll sideways to see all columns") so nobody misses the columns off screen.
const markScrollable = () => {
  for (const box of document.querySelectorAll('.concord-table-scroll')) {
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle('concord-table-scroll--wide', wide);
  }
};
markScrollable();
window.addEventListener('resize', markScrollable);
