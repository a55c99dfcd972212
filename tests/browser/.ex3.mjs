import { chromium } from 'playwright-core';
const base='http://127.0.0.1:18999';
const b = await chromium.launch({executablePath:'/usr/bin/chromium',args:['--no-sandbox','--disable-gpu']});
const c = await b.newContext(); const p = await c.newPage();
await p.goto(base+'/login'); await p.fill('#username',process.argv[2]); await p.fill('#password','riverside-vale-demo'); await p.click('button[type=submit]'); await p.waitForURL(base+'/');
for (const u of process.argv.slice(3)) { const r = await p.goto(base+u); console.log('=== '+u+' '+r.status()+' '+p.url()); console.log((await p.textContent('main')).replace(/\s+/g,' ')); }
await b.close();
