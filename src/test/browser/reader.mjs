// Walks the reader's pages in Debian's Chromium, once with JavaScript on and once off:
// home -> search -> two facets -> a document -> its raw signed file. Prints one JSON line.
// Usage: node reader.mjs BASE_URL OUT_DIR
import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';

const [base, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const runs = [];
try {
  for (const js of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(20000);
    const page = await context.newPage();
    const requests = [];
    const consoleErrors = [];
    page.on('request', r => requests.push(r.url()));
    page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    const shot = name => page.screenshot({ path: `${outDir}/${name}${js ? '' : '-nojs'}.png`, fullPage: true });
    const run = { js };

    await page.goto(base + '/');
    run.homeHeading = (await page.textContent('h1')).trim();
    await shot('home');

    await page.fill('header input[name=q]', 'the');
    await Promise.all([page.waitForURL(/\/search\?/), page.press('header input[name=q]', 'Enter')]);
    run.firstTotal = (await page.textContent('#total')).trim();

    for (const dim of ['tag', 'origin']) {
      const link = page.locator(`a.facet[data-dim="${dim}"]`).first();
      run[dim] = (await link.textContent()).trim();
      await Promise.all([page.waitForURL(u => u.toString().includes(`${dim}=`)), link.click()]);
    }
    run.searchUrl = page.url().substring(base.length);
    run.total = (await page.textContent('#total')).trim();
    run.chips = (await page.locator('a.chip').allTextContents()).map(s => s.trim());
    run.hits = await page.locator('a.title').evaluateAll(as => as.map(a => a.getAttribute('href')));
    await shot('search');

    await Promise.all([page.waitForURL(/\/doc\//), page.locator('a.title').first().click()]);
    run.docUrl = page.url().substring(base.length);
    run.docHeading = (await page.textContent('h1')).trim();
    run.docSha256 = (await page.locator('code.hash').first().textContent()).trim();
    await shot('document');

    const [response] = await Promise.all([page.waitForResponse(r => r.url().includes('/targets/')), page.locator('a.raw').click()]);
    run.rawStatus = response.status();
    run.rawSha256 = createHash('sha256').update(await response.body()).digest('hex');

    run.foreignRequests = requests.filter(u => !u.startsWith(base));
    run.consoleErrors = consoleErrors;
    runs.push(run);
    await context.close();
  }
  console.log(JSON.stringify({ ok: true, runs }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), runs }));
} finally {
  await browser.close();
}
