// Starts the NHS.UK frontend's components (header menu, error summary focus, etc.). Pages work without it.
import { initAll } from '/assets/nhsuk-frontend.min.js';
initAll();
