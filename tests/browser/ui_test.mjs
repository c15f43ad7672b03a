// The web UI in real headless Chromium: start page, instant search, detail view, "more like
// this", drag-and-drop search, keyboard navigation, duplicates and people pages, themes. Screenshots go to
// the artifacts folder (look at them). Prints one JSON line of measurements at the end.
// Usage: node ui_test.mjs URL ARTIFACT_DIR PHOTO_TO_DROP
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [url, artifacts, dropPhoto] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });
const failures = [];
const check = (cond, what) => {
  if (!cond) failures.push(what);
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
};
const measured = {};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
const external = [];
page.on('request', (r) => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) external.push(r.url()); });

const tiles = '#grid .tile';
const waitTiles = async (min = 1) => page.waitForFunction(
  ([sel, n]) => document.querySelectorAll(sel).length >= n, [tiles, min], { timeout: 20000 });
const lastPage = async () => page.evaluate(() => window.shoeboxMetrics.lastPage);
const waitPainted = async (view) => page.waitForFunction(
  (v) => window.shoeboxMetrics.lastPage && window.shoeboxMetrics.lastPage.view === v, view, { timeout: 20000 });

try {
  // Start page: random photos.
  await page.goto(url);
  await waitTiles(10);
  check((await page.textContent('#title')) === 'Random photos', 'start page shows random photos');
  check(await page.evaluate(() => [...document.querySelectorAll('#grid img')].every((i) => i.getAttribute('src').startsWith('/thumb/'))),
    'thumbnails come from /thumb/ID');
  await page.screenshot({ path: path.join(artifacts, 'random.png') });

  // Instant search while typing (debounced): no Enter needed.
  await page.click('#q');
  await page.keyboard.type('a photo', { delay: 30 });
  await page.waitForFunction(() => location.hash.startsWith('#/search?q=a%20photo'), null, { timeout: 5000 });
  await waitTiles(10);
  await waitPainted('search');
  const searchPage = await lastPage();
  measured.grid_paint_ms = Math.round(searchPage.ms);
  measured.grid_thumbnails = searchPage.count;
  check(searchPage.count >= 50, `a first page of ${searchPage.count} thumbnails painted in ${Math.round(searchPage.ms)} ms`);
  check((await page.textContent('#title')).includes('a photo'), 'search title names the query');
  // Score and date on hover.
  await page.hover(`${tiles} >> nth=0`);
  const info = await page.textContent(`${tiles} >> nth=0 >> .info`);
  check(/0\.\d{3}|-?\d\.\d{3}/.test(info), `hover shows the score (${info.trim()})`);
  await page.waitForTimeout(400);  // the thumbnails' fade-in
  await page.screenshot({ path: path.join(artifacts, 'search.png') });

  // Keyboard: / focuses the search box, ArrowDown enters the grid, arrows move, Enter opens.
  await page.evaluate(() => document.activeElement.blur());  // (Esc in the box would clear the query)
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement.id === 'q'), '/ focuses the search box');
  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => document.activeElement.dataset.id);
  await page.keyboard.press('ArrowRight');
  const second = await page.evaluate(() => document.activeElement.dataset.id);
  const expectedSecond = await page.evaluate(() => document.querySelectorAll('#grid .tile')[1].dataset.id);
  check(first && second === expectedSecond, 'arrow keys move through the grid');
  await page.keyboard.press('ArrowDown');
  const below = await page.evaluate(() => {
    const t = [...document.querySelectorAll('#grid .tile')];
    return { idx: t.indexOf(document.activeElement), top: t[0].getBoundingClientRect().top };
  });
  check(below.idx > 1, `ArrowDown moves a row down (to tile ${below.idx})`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden])', { timeout: 5000 });
  check(true, 'Enter opens the detail view');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#detail', { state: 'hidden', timeout: 5000 });
  check(true, 'Esc closes the detail view');

  // Detail view by click: preview, metadata, more like this.
  await page.click(`${tiles} >> nth=0`);
  await page.waitForSelector('#detail:not([hidden])');
  await page.waitForFunction(() => document.querySelectorAll('#d-strip .tile').length > 0, null, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById('d-img').complete && document.getElementById('d-img').naturalWidth > 0, null, { timeout: 10000 });
  const meta = await page.textContent('#d-meta');
  check(meta.includes('Path') && meta.includes('Size') && meta.includes('Folder'), 'detail shows date, size, folder and path');
  check((await page.getAttribute('#d-img', 'src')).startsWith('/original/'), 'detail preview is the original');
  await page.screenshot({ path: path.join(artifacts, 'detail.png') });
  // "More like this": the strip's first photo opens in the detail view.
  const stripId = await page.getAttribute('#d-strip .tile >> nth=0', 'data-id');
  await page.click('#d-strip .tile >> nth=0');
  await page.waitForFunction((id) => document.getElementById('d-original').getAttribute('href') === `/original/${id}`, stripId, { timeout: 10000 });
  check(true, '"more like this" opens the neighbour');
  // "Search similar" fills the grid with its neighbours.
  await page.click('#d-similar');
  await page.waitForFunction((id) => location.hash === `#/similar/${id}`, stripId, { timeout: 5000 });
  await waitTiles(5);
  check((await page.textContent('#title')) === 'Similar photos', 'search similar shows a similar grid');
  check(await page.evaluate((id) => ![...document.querySelectorAll('#grid .tile')].some((t) => t.dataset.id === id), stripId),
    'the photo itself is not among its similar photos');

  // Drag and drop a photo from outside the library onto the page.
  const bytes = fs.readFileSync(dropPhoto).toString('base64');
  await page.evaluate(([b64, name]) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const file = new File([raw], name, { type: 'image/jpeg' });
    const dt = new DataTransfer();
    dt.items.add(file);
    for (const type of ['dragenter', 'dragover', 'drop'])
      window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [bytes, path.basename(dropPhoto)]);
  await page.waitForFunction(() => location.hash === '#/image', null, { timeout: 5000 });
  await waitTiles(3);
  await waitPainted('image');
  check((await page.textContent('#title')).startsWith('Like '), 'dropping a photo searches by it');
  const dropTop = await page.textContent(`${tiles} >> nth=0 >> .info`);
  check(/0\.99\d|1\.000/.test(dropTop), `the dropped photo's own copy in the library comes first (${dropTop.trim()})`);
  await page.screenshot({ path: path.join(artifacts, 'dropped.png') });

  // Text in photos: a few words of a meme find it first (hybrid search); its detail view
  // shows what OCR read and boxes over the matched words.
  await page.fill('#q', 'walk into mordor');
  await page.press('#q', 'Enter');
  await waitTiles(1);
  await waitPainted('search');
  const textTile = await page.textContent(`${tiles} >> nth=0 >> .info`);
  check(textTile.includes('text'), `the meme is found by its words (${textTile.trim()})`);
  await page.click(`${tiles} >> nth=0`);
  await page.waitForSelector('#detail:not([hidden])');
  await page.waitForFunction(() => document.getElementById('d-img').complete && document.getElementById('d-img').naturalWidth > 0, null, { timeout: 10000 });
  const textMeta = await page.textContent('#d-meta');
  check(textMeta.includes('Text in photo') && textMeta.includes('MORDOR'), 'the detail view shows the text in the photo');
  const boxes = await page.$$eval('#d-boxes span', (spans) => spans.map((b) => {
    const r = b.getBoundingClientRect();
    const img = document.getElementById('d-img').getBoundingClientRect();
    return { inside: r.left >= img.left - 1 && r.right <= img.right + 1 && r.top >= img.top - 1 && r.bottom <= img.bottom + 1, w: r.width };
  }));
  check(boxes.length >= 3 && boxes.every((b) => b.inside && b.w > 4), `the matched words are boxed on the photo (${boxes.length} boxes)`);
  await page.screenshot({ path: path.join(artifacts, 'text-detail.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  const phoneBoxes = await page.$$eval('#d-boxes span', (spans) => {
    const img = document.getElementById('d-img').getBoundingClientRect();
    return spans.every((b) => { const r = b.getBoundingClientRect(); return r.left >= img.left - 1 && r.right <= img.right + 1; });
  });
  check(phoneBoxes, 'the boxes follow the photo at phone width');
  await page.screenshot({ path: path.join(artifacts, 'text-detail-phone.png') });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#detail', { state: 'hidden', timeout: 5000 });

  // Filters: format=png narrows the search.
  await page.fill('#q', 'a photo');
  await page.press('#q', 'Enter');
  await waitTiles(10);
  await page.click('#filters-toggle');
  await page.selectOption('#f-format', 'png');
  await page.waitForFunction(() => document.querySelectorAll('#grid .tile').length > 0 && document.querySelectorAll('#grid .tile').length < 20, null, { timeout: 10000 });
  check(true, 'the format filter narrows the results');
  await page.screenshot({ path: path.join(artifacts, 'filters.png') });
  await page.click('#f-clear');

  // Browse: every photo, newest first, no query needed; the format filter applies here too.
  await page.click('#nav-browse');
  await page.waitForFunction(() => /\d+\+? photos?/.test(document.querySelector('#subtitle')?.textContent || '') &&
    document.querySelectorAll('#grid .tile').length > 0, null, { timeout: 10000 });
  const total = await page.$eval('#subtitle', (e) => parseInt(e.textContent, 10));
  check(total >= 20, `browse lists the library without a query (${total} photos on the first pages)`);
  await page.selectOption('#f-format', 'png');  // the filter panel is still open
  await page.waitForFunction((all) => {
    const n = parseInt(document.querySelector('#subtitle')?.textContent || '0', 10);
    return n > 0 && n < all;
  }, total, { timeout: 10000 });
  check(true, 'browse honours the filters');
  await page.screenshot({ path: path.join(artifacts, 'browse.png') });
  await page.click('#f-clear');

  // Duplicates page.
  await page.click('#nav-dupes');
  await page.waitForFunction(() => document.querySelectorAll('.dupe-group').length > 0, null, { timeout: 20000 });
  const groups = await page.$$eval('.dupe-group', (g) => g.length);
  check(groups >= 2, `duplicates page lists ${groups} groups`);
  await page.screenshot({ path: path.join(artifacts, 'dupes.png'), fullPage: true });

  // People page: the corpus portrait names Marie and Pierre Curie in its XMP face regions.
  await page.click('#nav-people');
  await page.waitForFunction(() => document.querySelectorAll('#people .person').length >= 2, null, { timeout: 20000 });
  const people = await page.$$eval('#people .person .name', (n) => n.map((x) => x.textContent));
  check(people.includes('Marie Curie') && people.includes('Pierre Curie'), `people page lists who XMP names (${people.join(', ')})`);
  await page.waitForFunction(() => [...document.querySelectorAll('#people .face img')].every((i) => i.classList.contains('loaded')), null, { timeout: 10000 });
  const crop = await page.$eval('#people .person .face img', (i) => ({ cropped: i.classList.contains('cropped'), w: i.getBoundingClientRect().width }));
  check(crop.cropped && crop.w > 120, `the cover is cropped to the face (image ${Math.round(crop.w)} px wide in a 120 px circle)`);
  await page.screenshot({ path: path.join(artifacts, 'people.png') });
  await page.click('#people .person >> text=Marie Curie');
  await page.waitForFunction(() => location.hash === '#/person/Marie%20Curie', null, { timeout: 5000 });
  await waitTiles(1);
  check((await page.textContent('#title')) === 'Marie Curie' && (await page.$$(tiles)).length === 1, 'a person opens their photos');
  await page.click(`${tiles} >> nth=0`);
  await page.waitForSelector('#d-meta a[href^="#/person/"]', { timeout: 10000 });
  const named = await page.$$eval('#d-meta a[href^="#/person/"]', (a) => a.map((x) => x.textContent));
  check(named.length === 2, `the photo's page names its people (${named.join(', ')})`);
  await page.keyboard.press('Escape');

  // Dark theme follows the system.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${url.split('#')[0]}#/search?q=red`);
  await waitTiles(5);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lum = bg.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
  check(lum < 150, `dark theme when the system is dark (${bg})`);
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(artifacts, 'search-dark.png') });

  // Narrow screens get a usable grid.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: path.join(artifacts, 'phone.png') });

  check(external.length === 0, `nothing fetched from the network (${external.join(', ')})`);
  check(problems.length === 0, `no page errors (${problems.join(' | ')})`);
} catch (e) {
  failures.push(`exception: ${e.message}`);
  console.log(`FAIL ${e.stack}`);
  await page.screenshot({ path: path.join(artifacts, 'failure.png') }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify({ measured, failures }));
process.exit(failures.length ? 1 : 0);
