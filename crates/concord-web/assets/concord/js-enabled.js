// Marks the page as able to run the NHS.UK frontend's scripts (kept out of the page to honour the CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
