// The web app at library scale, in Debian's Chromium (issue 18's targets), against a running
// server (serve_bench --browser starts one over 200,000 synthetic photos). Prints one JSON line:
//   first_screen_ms   page load to the first screen of Browse painted (every thumbnail decoded)
//                                                                          target <= 300 ms
//   jump_ms           a scrubber year clicked -> that year's first screen painted, every year
//                     (p50 / max)                                          target <= 150 ms
//   memory            the renderer's resident memory, JS heap and DOM nodes after a jump to
//                     every year and a continuous scroll through SCROLL_PHOTOS photos
//                                                                          target <= 300 MB
//   search_ms         Enter in the search box -> the first thumbnails painted (p50 / max), with
//                     the server's random-weight ViT-B/32 text tower      target p50 <= 250 ms
// Usage: node web_timeline.mjs URL   (SCROLL_PHOTOS: 20000 by default)
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const url = process.argv[2];
const scrollPhotos = Number(process.env.SCROLL_PHOTOS || 20000);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

// The resident memory of Chromium's renderers (one page open: its renderer, plus a spare).
function rendererMb() {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chrom') || !cmd.includes('--type=renderer')) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
      if (m) kb = Math.max(kb, Number(m[1]));
    } catch (e) { /* gone meanwhile */ }
  }
  return kb / 1024;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
const painted = (view) => page.waitForFunction(
  (v) => window.shoeboxMetrics.lastPage && window.shoeboxMetrics.lastPage.view === v, view, { timeout: 60000 });

// First screen: a fresh load of Browse, newest first.
await page.goto(`${url}#/browse`);
await painted('browse');
const first = await page.evaluate(() => window.shoeboxMetrics.lastPage.at);

// Jumps: every year of the scrubber, newest to oldest, from the click to the year painted.
await page.waitForSelector('#scrubber:not([hidden]) a', { timeout: 30000 });
const years = await page.$$eval('#scrubber a', (a) => a.map((x) => x.dataset.year));
const jumps = [];
for (const year of [...years.slice(1), years[0]]) {
  const ms = await page.evaluate(async (y) => {
    window.shoeboxMetrics.lastPage = null;
    const t0 = performance.now();
    document.querySelector(`#scrubber a[data-year="${y}"]`).click();
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      const p = window.shoeboxMetrics.lastPage;
      if (p && p.view === 'browse') return p.at - t0;
    }
  }, year);
  jumps.push(ms);
  await page.mouse.wheel(0, 3000);  // a look around the year: newer photos load above, more below
  await page.waitForTimeout(150);
}

// A continuous scroll: one screen at a time until scrollPhotos photos went by.
await page.goto(`${url}#/browse`);
await painted('browse');
const t0 = Date.now();
let seen = 0;
while (seen < scrollPhotos && Date.now() - t0 < 240000) {
  await page.mouse.wheel(0, 4000);
  await page.waitForTimeout(20);
  seen = await page.evaluate(() => window.shoeboxMetrics.browsed || 0);
}
const scrolled = await page.evaluate(() => ({
  tiles: document.querySelectorAll('#grid .tile').length,
  offset: document.getElementById('subtitle').textContent,
}));
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
await cdp.send('HeapProfiler.collectGarbage');
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const memory = { renderer_rss_mb: round(rendererMb()), js_heap_mb: round(metrics.JSHeapUsedSize / 1048576),
  dom_nodes: metrics.Nodes, tiles_in_page: scrolled.tiles, photos_scrolled_past: seen, scroll_seconds: round((Date.now() - t0) / 1000) };

// Search: Enter to the first thumbnails painted.
const queries = ['money', 'red', 'bokeh', 'surprised face', 'mount fuji from a plane', 'a dog on the beach',
  'birthday cake', 'snow in the mountains', 'receipt', 'fireworks', 'autumn leaves', 'a red car'];
const searches = [];
for (const q of queries) {
  await page.fill('#q', q);
  const ms = await page.evaluate(async () => {
    window.shoeboxMetrics.lastPage = null;
    const t0 = performance.now();
    document.getElementById('search-form').requestSubmit();
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      const p = window.shoeboxMetrics.lastPage;
      if (p && p.view === 'search') return p.at - t0;
    }
  });
  searches.push(ms);
}
await browser.close();
console.log(JSON.stringify({
  chromium: browser.version(),
  first_screen_ms: round(first),
  jump_ms: { p50: round(median(jumps)), max: round(Math.max(...jumps)), years: jumps.length },
  memory,
  search_ms: { p50: round(median(searches)), max: round(Math.max(...searches)), queries: searches.length },
  targets: { first_screen_ms: 300, jump_ms: 150, renderer_rss_mb: 300, search_ms_p50: 250 },
  page_errors: errors,
}));
