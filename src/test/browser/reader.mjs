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
      const link = page.locator(`aside.facets-side a.facet[data-dim="${dim}"]`).first();
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
  // A phone, 390 pixels wide: the same pages, measured.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  const phone = { width: 390 };
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth);
  await page.goto(base + '/search?q=the');
  await page.screenshot({ path: `${outDir}/search-phone.png`, fullPage: true });
  phone.searchOverflow = await overflow();
  phone.searchBoxWidth = Math.round((await page.locator('form.search input[type=search]').boundingBox()).width);
  phone.sideFacetsVisible = await page.locator('aside.facets-side').isVisible();
  const folded = page.locator('details.facets-folded > summary');
  phone.foldedFacetsTop = Math.round((await folded.boundingBox()).y);
  phone.firstHitTop = Math.round((await page.locator('li.hit').first().boundingBox()).y);
  await folded.click();
  phone.unfoldedFacetLinks = await page.locator('details.facets-folded a.facet').count();
  // the document the desktop walk opened: a cable with its metadata fields (origin, tags, classification)
  await page.goto(base + runs[0].docUrl);
  await page.screenshot({ path: `${outDir}/document-phone.png`, fullPage: true });
  phone.docOverflow = await overflow();
  // how many lines each metadata label takes: one, unless a word was broken
  phone.labelLines = await page.locator('th').evaluateAll(ths => ths.map(th => {
    const r = document.createRange(); r.selectNodeContents(th);
    return { label: th.textContent, lines: new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size };
  }));
  await page.goto(base + '/search?q=zzqxnotaword');
  phone.emptyListItems = await page.locator('ol li').count();
  phone.emptyMessage = (await page.locator('p.empty').textContent()).trim();
  await context.close();
  console.log(JSON.stringify({ ok: true, runs, phone }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e), runs }));
} finally {
  await browser.close();
}
