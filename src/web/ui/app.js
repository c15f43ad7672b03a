// shoebox web UI: plain modules-free JavaScript, no dependencies, nothing fetched from the
// network but this server's own API (see docs/api.md).
'use strict';

const PAGE = 60;
const $ = (id) => document.getElementById(id);
const els = {
  selectToggle: $('select-toggle'), selbar: $('selbar'), selCount: $('sel-count'), selCopy: $('sel-copy'),
  selFolders: $('sel-folders'), selZip: $('sel-zip'),
  q: $('q'), form: $('search-form'), grid: $('grid'), title: $('title'), subtitle: $('subtitle'),
  message: $('message'), sentinel: $('sentinel'), topSentinel: $('top-sentinel'), spinner: $('spinner'), dupes: $('dupes'), people: $('people'),
  detail: $('detail'), dImg: $('d-img'), dVideo: $('d-video'), dMotion: $('d-motion'), dBoxes: $('d-boxes'), dName: $('d-name'), dMeta: $('d-meta'), dStrip: $('d-strip'),
  dDupes: $('d-dupes'), dSimilar: $('d-similar'), dCopy: $('d-copy'), dOriginal: $('d-original'), dClose: $('d-close'),
  filters: $('filters'), filtersToggle: $('filters-toggle'), progress: $('progress'),
  progressText: $('progress-text'), progressFill: $('progress-fill'), drop: $('drop'), toast: $('toast'),
  fAfter: $('f-after'), fBefore: $('f-before'), fFolder: $('f-folder'), fCamera: $('f-camera'),
  fFormat: $('f-format'), fDateSort: $('f-date-sort'), fClear: $('f-clear'),
  fAlbum: $('f-album'), fKeyword: $('f-keyword'), fRating: $('f-rating'), fFavorite: $('f-favorite'),
  fOrder: $('f-order'), filtersCount: $('filters-count'), offline: $('offline'), offlineRetry: $('offline-retry'),
  upload: $('upload'), uploadButton: $('upload-button'), queryImg: $('query-img'), dPrev: $('d-prev'),
  dNext: $('d-next'), dDownload: $('d-download'), dError: $('d-error'), collections: $('collections'),
  collectionTabs: $('collection-tabs'), scrubber: $('scrubber'),
};

// The filters as they appear in the page's URL (#/browse?after=2019-01-01&to=2019-12-31…), with
// the input that holds each. "to" is the last day shown (the API's "before" is exclusive).
const FILTERS = [['after', els.fAfter], ['to', els.fBefore], ['folder', els.fFolder], ['camera', els.fCamera],
  ['format', els.fFormat], ['album', els.fAlbum], ['keyword', els.fKeyword], ['rating', els.fRating],
  ['favorite', els.fFavorite], ['bydate', els.fDateSort], ['order', els.fOrder]];
const filterValue = (el) => el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value.trim();
// Browse order is how the list is sorted, not a narrowing: it does not count as a filter.
const activeFilters = () => FILTERS.filter(([k, el]) => k !== 'order' && k !== 'bydate' && filterValue(el));

// What the grid shows: {kind: 'random'|'browse'|'search'|'similar'|'image'|'dupes'|'people', q, id,
// file, person (browse: only their photos)}
let view = { kind: 'random' };
let items = [];         // results shown, in order
let offset = 0;
let hasMore = false;
let loading = false;
let generation = 0;     // bumps on every new view; late answers of an old one are dropped
let detailId = null;
let detailPushed = false;  // the open photo added a history entry (Back closes it)
let uploadFile = null;
let keptItems = null;   // a search's last results, shown until the next one answers
let shownKey = null;    // the view on screen: its path and parameters, without the photo
let needsReload = false;  // the view's first page failed while the server was away
let resumeMore = false;   // a later page did
let lastGroup = null;     // Browse: the date or folder heading the grid ends with
let topOffset = 0;        // Browse after a jump: the photos above the first one shown
let lastScrollY = 0;      // the scroll direction: only the user's own scrolling counts
let lastStatus = null;    // the last /api/status answer

// Measured for the browser test and for curious people: the last page's fetch → painted time.
window.shoeboxMetrics = { lastPage: null, pending: 0 };

function toast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { els.toast.hidden = true; }, 2600);
}

async function api(path, options) {
  // (Requests in flight besides the status poll: the browser test waits for none before a reload.)
  const counted = !path.startsWith('/api/status');
  if (counted) window.shoeboxMetrics.pending++;
  try {
    return await apiCall(path, options);
  } finally {
    if (counted) window.shoeboxMetrics.pending--;
  }
}
async function apiCall(path, options) {
  let res;
  try {
    res = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
  } catch (e) {
    // No answer at all (not an error status): the server is away. Say so once, in the banner.
    setOffline(true);
    const err = new Error('Cannot reach the shoebox server');
    err.offline = true;
    throw err;
  }
  setOffline(false);
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : `${res.status} ${res.statusText}`;
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return body;
}

// The day after YYYY-MM-DD: the page's "To" day is included, the API's "before" is not.
function nextDay(day) {
  const t = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(t.getTime())) return day;
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}

// The API's parameters for the filters on screen.
function filterParams() {
  const p = new URLSearchParams();
  if (els.fAfter.value) p.set('after', els.fAfter.value);
  if (els.fBefore.value) p.set('before', nextDay(els.fBefore.value));
  if (els.fFolder.value.trim()) p.set('folder', els.fFolder.value.trim());
  if (els.fCamera.value.trim()) p.set('camera', els.fCamera.value.trim());
  if (els.fFormat.value) p.set('format', els.fFormat.value);
  if (els.fAlbum.value.trim()) p.set('album', els.fAlbum.value.trim());
  if (els.fKeyword.value.trim()) p.set('keyword', els.fKeyword.value.trim());
  if (els.fRating.value) p.set('rating', els.fRating.value);
  if (els.fFavorite.checked) p.set('favorite', '1');
  if (els.fDateSort.checked) { p.set('sort', 'date'); p.set('cutoff', '1'); }
  if (view.person) p.set('person', view.person);
  return p;
}

function formatDate(iso) {
  if (!iso) return '';
  const d = iso.slice(0, 10);
  const t = iso.length > 10 ? iso.slice(11, 16) : '';
  return t ? `${d} ${t}` : d;
}

function tile(item, opts) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'tile';
  b.dataset.id = item.id;
  const said = item.words && item.words.length ? `its text says ${item.words.join(' ')}` : null;
  const length = typeof item.duration === 'number' ? formatDuration(item.duration) : null;
  const label = [item.name, length ? `video, ${length}` : null, item.taken_at ? formatDate(item.taken_at) : null, said].filter(Boolean).join(', ');
  b.setAttribute('aria-label', label || `photo ${item.id}`);
  b.title = item.name || '';
  const img = document.createElement('img');
  img.alt = '';  // the button's label names the photo
  img.decoding = 'async';
  if (!(opts && opts.eager)) img.loading = 'lazy';
  img.addEventListener('load', () => img.classList.add('loaded'));
  img.addEventListener('error', () => {
    const s = document.createElement('span');
    s.className = 'broken';
    s.textContent = 'no preview';
    b.appendChild(s);
  });
  if (length) {
    // A video says so on its tile, with its length, as photo apps do.
    const badge = document.createElement('span');
    badge.className = 'length';
    badge.textContent = `▶ ${length}`;
    badge.setAttribute('aria-hidden', 'true');
    b.appendChild(badge);
  }
  if (item.thumb) {
    img.src = item.thumb;
    b.appendChild(img);
  } else {
    const s = document.createElement('span');
    s.className = 'broken';
    s.textContent = `${item.name || 'photo'}\nno preview`;
    b.appendChild(s);
  }
  const info = document.createElement('span');
  info.className = 'info';
  const left = document.createElement('span');
  left.textContent = formatDate(item.taken_at);
  const right = document.createElement('span');
  if (typeof item.score === 'number') right.textContent = item.score.toFixed(3);
  // An animation found by a later frame: when that frame shows.
  if (typeof item.at === 'number') {
    const when = document.createElement('span');
    when.className = 'why';
    when.textContent = `at ${item.at.toFixed(1)} s`;
    when.title = 'The best match is this far into the video or animation';
    right.appendChild(when);
  }
  // Found by the words in the photo (hybrid search): say which.
  if (item.match && item.match.includes('text')) {
    const why = document.createElement('span');
    why.className = 'why';
    why.textContent = 'text';
    why.title = `Its text says: ${(item.words || []).join(' ')}`;
    right.appendChild(why);
  }
  info.append(left, right);
  b.appendChild(info);
  if (selecting) b.setAttribute('aria-pressed', String(selected.has(item.id)));
  b.addEventListener('click', (e) => {
    if (els.grid.contains(b) && (selecting || e.ctrlKey || e.metaKey || e.shiftKey)) {
      toggleSelected(b, item, e.shiftKey);
      return;
    }
    showPhoto(item.id);
  });
  return b;
}

// Selecting several photos of the grid (copy their paths, download them as a zip). Nothing is
// ever deleted or moved: the page has no way to.
let selecting = false;
const selected = new Map();  // id -> item, in the order chosen
let lastToggled = null;      // the anchor of a Shift-click range
const MAX_ZIP = 500;         // the server's limit for one zip
function setSelecting(on) {
  selecting = on;
  if (!on) { selected.clear(); lastToggled = null; }
  els.selectToggle.setAttribute('aria-pressed', String(on));
  els.selectToggle.textContent = on ? 'Cancel' : 'Select';
  for (const t of tiles()) {
    if (on) t.setAttribute('aria-pressed', String(selected.has(Number(t.dataset.id))));
    else t.removeAttribute('aria-pressed');
  }
  document.body.classList.toggle('selecting', on);
  updateSelection();
}
function toggleSelected(tileEl, item, range) {
  if (!selecting) setSelecting(true);
  const ids = [item.id];
  if (range && lastToggled !== null) {
    // Shift-click: everything between the last photo chosen and this one, as that one is.
    const a = items.findIndex((x) => x.id === lastToggled);
    const b = items.findIndex((x) => x.id === item.id);
    if (a >= 0 && b >= 0) ids.splice(0, 1, ...items.slice(Math.min(a, b), Math.max(a, b) + 1).map((x) => x.id));
  }
  const on = range && lastToggled !== null ? selected.has(lastToggled) || lastToggled === item.id : !selected.has(item.id);
  for (const id of ids) {
    const it = items.find((x) => x.id === id) || item;
    if (on) selected.set(id, it); else selected.delete(id);
    const t = els.grid.querySelector(`.tile[data-id="${id}"]`);
    if (t) t.setAttribute('aria-pressed', String(on));
  }
  lastToggled = item.id;
  updateSelection();
}
function updateSelection() {
  const n = selected.size;
  els.selbar.hidden = !selecting;
  els.selCount.textContent = n ? `${n.toLocaleString()} selected` : 'Choose photos';
  for (const b of [els.selCopy, els.selFolders]) b.disabled = !n;
  const zipOk = n > 0 && n <= MAX_ZIP;
  els.selZip.setAttribute('aria-disabled', String(!zipOk));
  els.selZip.title = n > MAX_ZIP ? `At most ${MAX_ZIP} photos go in one zip` : 'The originals, as they are stored';
  if (zipOk) els.selZip.href = `/api/zip?ids=${[...selected.keys()].join(',')}`;
  else els.selZip.removeAttribute('href');
}
function copyLines(lines, what) {
  const text = lines.join('\n');
  navigator.clipboard.writeText(text).then(() => toast(`Copied ${lines.length} ${what}${lines.length === 1 ? '' : 's'}`),
    () => toast('The browser did not allow copying'));
}

function setMessage(text) {
  els.message.textContent = text || '';
  els.message.hidden = !text;
}

// keep: leave the last results on screen until the new ones answer (a search being typed).
function resetGrid(keep) {
  generation++;
  keptItems = keep && items.length ? items : null;
  items = [];
  offset = 0;
  hasMore = false;
  loading = false;
  if (!keptItems) els.grid.replaceChildren();
  els.grid.setAttribute('aria-busy', 'true');
  els.dupes.replaceChildren();
  els.dupes.hidden = true;
  els.people.replaceChildren();
  els.people.hidden = true;
  els.collections.replaceChildren();
  els.collections.hidden = true;
  els.collectionTabs.hidden = true;
  els.scrubber.hidden = true;
  lastGroup = null;
  topOffset = 0;
  els.topSentinel.hidden = true;
  els.grid.hidden = false;
  if (!keptItems) els.selectToggle.hidden = true;
  setMessage('');
}

function highlightNav() {
  const n = activeFilters().length;
  els.filtersCount.hidden = !n;
  els.filtersCount.textContent = n ? String(n) : '';
  els.filtersToggle.classList.toggle('on', n > 0);
  els.filtersToggle.setAttribute('aria-label', n ? `Filters (${n} active)` : 'Filters');
  $('nav-random').classList.toggle('active', view.kind === 'random');
  $('nav-browse').classList.toggle('active', view.kind === 'browse' && !view.person);
  $('nav-people').classList.toggle('active', view.kind === 'people' || !!view.person);
  $('nav-albums').classList.toggle('active', view.kind === 'collections');
  $('nav-dupes').classList.toggle('active', view.kind === 'dupes');
}

// Browse's headings: the month (newest or oldest first) or the folder (by folder).
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
function groupOf(item) {
  if (els.fOrder.value === 'path') {
    const p = item.path || '';
    return p.slice(0, p.lastIndexOf('/')) || '/';
  }
  const t = item.taken_at;
  return t && /^\d{4}-\d{2}/.test(t) ? `${MONTHS[parseInt(t.slice(5, 7), 10) - 1]} ${t.slice(0, 4)}` : 'No date';
}
function heading(text) {
  const h = document.createElement('h2');
  h.className = 'group-heading';
  h.textContent = text;
  return h;
}
function withHeadings(results, nodes) {
  if (view.kind !== 'browse') return nodes;
  const out = [];
  results.forEach((r, i) => {
    const g = groupOf(r);
    if (g !== lastGroup) {
      out.push(heading(g));
      lastGroup = g;
    }
    out.push(nodes[i]);
  });
  return out;
}

// The scrubber's jump (from=YEAR): Browse opens at that year's place in the whole timeline,
// so that scrolling up loads the newer photos and scrolling down goes on past the oldest
// dated ones to the undated. Its offset: the photos before it in this order, from
// /api/timeline's months (both orders put the undated last).
// The scrubber's /api/timeline answer, by its query, for 30 s (a jump reuses the one the
// scrubber was drawn from; photos indexed meanwhile show after that).
let timelineCache = null;
async function timelineFor(params) {
  const key = params.toString();
  if (!timelineCache || timelineCache.key !== key || Date.now() - timelineCache.at > 30000)
    timelineCache = { key, at: Date.now(), answer: api(`/api/timeline?${key}`) };
  try {
    return await timelineCache.answer;
  } catch (e) {
    timelineCache = null;
    throw e;
  }
}
async function jumpOffset() {
  if (els.fOrder.value === 'path') return 0;
  const t = await timelineFor(filterParams());
  const newest = els.fOrder.value !== 'oldest';
  let n = 0;
  for (const m of t.months) {
    const y = m.month.slice(0, 4);
    if (newest ? y > view.from : y < view.from) n += m.photos;
  }
  return n;
}
// The page above the first photo shown, after a jump: prepended without moving what is on
// screen (the page's height grows above it; the scroll position follows).
let loadingAbove = false;  // (a prune above would change topOffset under it)
async function loadAbove() {
  if (loading || topOffset <= 0 || view.kind !== 'browse') return;
  loading = loadingAbove = true;
  const gen = generation;
  try {
    const n = Math.min(PAGE, topOffset);
    const p = filterParams();
    p.set('order', els.fOrder.value);
    p.set('n', n);
    p.set('offset', topOffset - n);
    const data = await api(`/api/browse?${p}`);
    if (gen !== generation) return;
    topOffset -= n;
    const known = new Set(items.map((i) => i.id));
    const fresh = data.results.filter((r) => !known.has(r.id));
    const out = [];
    let g = null;
    for (const r of fresh) {
      if (groupOf(r) !== g) { g = groupOf(r); out.push(heading(g)); }
      out.push(tile(r, {}));
    }
    const first = els.grid.firstElementChild;
    if (first && first.classList.contains('group-heading') && first.textContent === g) first.remove();
    const height = document.documentElement.scrollHeight;
    els.grid.prepend(...out);
    window.scrollBy(0, document.documentElement.scrollHeight - height);
    lastScrollY = window.scrollY;
    items.unshift(...fresh);
    pruneBelow();
  } catch (e) {
    if (gen === generation && !e.offline) toast(e.message);
  } finally {
    loadingAbove = false;
    if (gen === generation) {
      loading = false;
      els.topSentinel.hidden = topOffset <= 0;
      if (topOffset > 0 && topSentinelVisible()) loadAbove();
    }
  }
}
// Browse keeps at most MAX_TILES photos in the page, so that scrolling through 200,000 holds
// the memory of a few thousand: whole groups far off screen go (cut at a heading, so that no
// row reflows), and come back through loadAbove / loadPage when scrolled to again.
// (The browser test lowers both through localStorage, to exercise this on a small library.)
const MAX_TILES = Number(localStorage.getItem('shoebox.test.maxTiles')) || 2400;
// px off screen that stay: more than the 600 px ahead that loads, or the two would take turns
const FAR = Number(localStorage.getItem('shoebox.test.far')) || 4000;
function headingsOf() { return Array.from(els.grid.querySelectorAll('.group-heading')); }
// A tile taken out of the page lets go of its image at once (not when collected).
function forget(el) {
  const img = el.querySelector && el.querySelector('img');
  if (img) img.removeAttribute('src');
  el.remove();
}
function pruneAbove() {
  if (view.kind !== 'browse' || items.length <= MAX_TILES) return;
  const cut = headingsOf().filter((h) => h.getBoundingClientRect().top < -FAR).pop();
  if (!cut || cut === els.grid.firstElementChild) return;
  let removed = 0;
  const height = document.documentElement.scrollHeight;
  els.topSentinel.hidden = false;
  while (els.grid.firstElementChild !== cut) {
    if (els.grid.firstElementChild.classList.contains('tile')) removed++;
    forget(els.grid.firstElementChild);
  }
  items.splice(0, removed);
  topOffset += removed;
  window.scrollBy(0, document.documentElement.scrollHeight - height);
  lastScrollY = window.scrollY;
}
function pruneBelow() {
  if (view.kind !== 'browse' || items.length <= MAX_TILES) return;
  const cut = headingsOf().find((h) => h.getBoundingClientRect().top > window.innerHeight + FAR);
  if (!cut) return;
  let removed = 0;
  while (cut.nextSibling) {
    if (cut.nextSibling.classList.contains('tile')) removed++;
    forget(cut.nextSibling);
  }
  cut.remove();
  items.splice(items.length - removed, removed);
  offset -= removed;
  hasMore = true;
  lastGroup = items.length ? groupOf(items[items.length - 1]) : null;
}
function topSentinelVisible() {
  const r = els.topSentinel.getBoundingClientRect();
  return !els.topSentinel.hidden && r.bottom > -600;
}

async function loadPage() {
  if (loading || ['dupes', 'people', 'collections', 'image-gone'].includes(view.kind)) return;
  loading = true;
  els.spinner.hidden = false;
  const gen = generation;
  const started = performance.now();
  try {
    let data;
    const p = filterParams();
    p.set('n', PAGE);
    p.set('offset', offset);
    if (view.kind === 'random') {
      data = await api(`/api/random?n=${PAGE}`);
      data.has_more = items.length + data.results.length < 3000 && data.results.length > 0;
    } else if (view.kind === 'browse') {
      // The catalog alone: works before any embedding, and without a model.
      p.set('order', els.fOrder.value);
      if (view.from && view.start === undefined && els.fOrder.value !== 'path') {
        // The jump's first page by the date alone (an index range: fast anywhere in 200,000
        // photos), beside its place in the listing; later pages go on from that place.
        const q = new URLSearchParams(p);
        q.set('offset', 0);
        if (els.fOrder.value === 'oldest') {
          if (!q.get('after') || q.get('after') < view.from) q.set('after', view.from);
        } else {
          const end = `${parseInt(view.from, 10) + 1}`;
          if (!q.get('before') || q.get('before') > end) q.set('before', end);
        }
        const [start, page] = await Promise.all([jumpOffset(), api(`/api/browse?${q}`)]);
        if (gen !== generation) return;
        view.start = start;
        offset = topOffset = start;
        data = page;
        data.has_more = true;  // the undated, after the oldest dated photo
      } else {
        data = await api(`/api/browse?${p}`);
      }
    } else if (view.kind === 'search') {
      p.set('q', view.q);
      data = await api(`/api/search?${p}`);
    } else if (view.kind === 'similar') {
      if (view.at !== null && view.at !== undefined) p.set('at', view.at.toFixed(2));
      data = await api(`/api/similar/${view.id}?${p}`);
    } else if (view.kind === 'image') {
      const form = new FormData();
      form.append('image', view.file, view.file.name || 'dropped');
      data = await api(`/api/search/image?${p}`, { method: 'POST', body: form });
    }
    if (gen !== generation) return;
    const fresh = data.results.filter((r) => !items.some((i) => i.id === r.id));
    const nodes = fresh.map((r) => tile(r, { eager: offset === 0 }));
    items.push(...fresh);
    offset += data.results.length;
    hasMore = !!data.has_more;
    if (keptItems) { els.grid.replaceChildren(); keptItems = null; }
    els.grid.append(...withHeadings(fresh, nodes));
    els.selectToggle.hidden = !items.length;
    // A jump shows its year at the top of the screen (newer photos then load above it).
    // (Again after each page until the page is tall enough to put it there.)
    const jumped = view.from && !view.placed && headingsOf().find((h) => h.textContent.endsWith(view.from));
    if (jumped) {
      jumped.scrollIntoView({ block: 'start' });
      const margin = parseFloat(getComputedStyle(jumped).scrollMarginTop) || 0;
      view.placed = Math.abs(jumped.getBoundingClientRect().top - margin) < 4;
    }
    els.grid.setAttribute('aria-busy', 'false');
    if (view.kind === 'browse') {
      // Counted from the top of the listing: a jump or a long scroll starts further down.
      const upTo = topOffset + items.length;
      window.shoeboxMetrics.browsed = upTo;
      els.subtitle.textContent = `${upTo.toLocaleString()}${hasMore ? '+' : ''} photo${upTo === 1 ? '' : 's'}`;
    } else if (data.timing) {
      const t = data.timing;
      els.subtitle.textContent = `${items.length}${hasMore ? '+' : ''} photo${items.length === 1 && !hasMore ? '' : 's'} · ` +
        `${(t.embed_ms + t.scan_ms + t.join_ms + (t.text_ms || 0)).toFixed(0)} ms` +
        (data.note ? ' · matched by the words in the photos only' : '');
      els.subtitle.title = data.note || '';
    } else {
      els.subtitle.textContent = '';
    }
    if (!items.length) {
      setMessage(view.kind === 'random' ? 'No photos yet.'
        : view.kind === 'browse' ? 'No photos match these filters.' : 'No matches. Try other words, or clear the filters.');
    }
    // Painted: every new image decoded (or failed).
    const imgs = nodes.map((n) => n.querySelector('img')).filter(Boolean);
    await Promise.all(imgs.map((img) => img.complete ? null : new Promise((r) => {
      img.addEventListener('load', r, { once: true });
      img.addEventListener('error', r, { once: true });
    })));
    await new Promise((r) => requestAnimationFrame(() => r()));
    window.shoeboxMetrics.lastPage = { count: nodes.length, ms: performance.now() - started, view: view.kind, at: performance.now() };
    pruneAbove();
    // What can wait for the first screen: the scrubber's timeline (a count over the whole
    // library), and the first status poll.
    if (view.scrubber) { view.scrubber = false; loadScrubber(); }
    firstPainted();
  } catch (e) {
    if (gen !== generation) return;
    hasMore = false;
    if (keptItems && (e.status === 400 || e.offline)) {
      // A query being typed that does not parse yet ("beach -"), or no server: the last
      // results stay, with the reason beside them.
      items = keptItems;
      keptItems = null;
      els.grid.setAttribute('aria-busy', 'false');
      els.subtitle.textContent = e.offline ? '' : `${e.message} · showing the last results`;
      if (e.offline) needsReload = true;
    } else if (e.offline) {
      // Retried when the server answers again (setOffline): the whole view, or the next page.
      if (offset > 0) resumeMore = true; else needsReload = true;
      setMessage('');
    } else if (e.status === 503) {
      setMessage('Getting ready: ' + e.message + '…');
      setTimeout(() => { if (gen === generation) loadPage(); }, 1000);
    } else {
      setMessage(e.message);
    }
  } finally {
    if (gen === generation) {
      loading = false;
      els.spinner.hidden = true;
      if (!keptItems) els.grid.setAttribute('aria-busy', 'false');
      // The sentinel may still be visible after a short page: keep filling the screen.
      if (hasMore && sentinelVisible()) loadPage();
      else if (topOffset > 0) {
        els.topSentinel.hidden = false;
        if (topSentinelVisible()) loadAbove();
      }
    }
  }
}

function sentinelVisible() {
  const r = els.sentinel.getBoundingClientRect();
  return r.top < window.innerHeight + 400;
}

new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting) && hasMore && !loading) loadPage();
}, { rootMargin: '600px' }).observe(els.sentinel);
new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting) && topOffset > 0 && !loading) loadAbove();
}, { rootMargin: '600px' }).observe(els.topSentinel);

function setQueryImage(src, alt) {
  if (els.queryImg.dataset.blob && els.queryImg.src !== src) URL.revokeObjectURL(els.queryImg.src);
  els.queryImg.hidden = !src;
  els.queryImg.alt = alt || '';
  if (src) els.queryImg.src = src; else els.queryImg.removeAttribute('src');
  els.queryImg.dataset.blob = src && src.startsWith('blob:') ? '1' : '';
}

function show(newView) {
  // A search refined by typing keeps its last results on screen until the new ones come.
  const refining = view.kind === 'search' && newView.kind === 'search';
  view = newView;
  if (selecting) setSelecting(false);
  resetGrid(refining);
  highlightNav();
  setQueryImage(null);
  if (view.kind === 'random') {
    els.title.textContent = 'Random photos';
  } else if (view.kind === 'browse') {
    els.title.textContent = view.person || 'All photos';
    view.scrubber = els.fOrder.value !== 'path';  // loaded once the first page is painted
  } else if (view.kind === 'search') {
    els.title.textContent = `“${view.q}”`;
  } else if (view.kind === 'similar') {
    // The photo it started from, beside the title.
    els.title.textContent = 'Similar photos';
    setQueryImage(`/thumb/${view.id}`, 'the photo searched by');
    const gen = generation;
    api(`/api/assets/${view.id}`).then((a) => {
      if (gen === generation) els.title.textContent = `Similar to ${a.name}`;
    }).catch(() => {});
  } else if (view.kind === 'image') {
    els.title.textContent = `Like ${view.file.name || 'the dropped photo'}`;
    setQueryImage(URL.createObjectURL(view.file), `the photo searched by, ${view.file.name || ''}`);
  } else if (view.kind === 'image-gone') {
    els.title.textContent = 'Search by a photo';
    els.subtitle.textContent = '';
    setMessage('The photo you searched by is not kept (it never leaves this page): choose it again with ' +
      'the camera button beside the search box, or drop or paste one here.');
    return;
  } else if (view.kind === 'dupes') {
    els.title.textContent = 'Duplicates';
    return loadDupes();
  } else if (view.kind === 'people') {
    els.title.textContent = 'People';
    return loadPeople();
  } else if (view.kind === 'collections') {
    els.title.textContent = { albums: 'Albums', folders: 'Folders', keywords: 'Keywords', problems: 'Files with problems' }[view.list];
    return loadCollections();
  }
  els.subtitle.textContent = '';
  loadPage();
}

// Every view has a URL: #/ · #/browse (from=YEAR: the scrubber's jump) · #/search?q=… ·
// #/similar/ID · #/image · #/dupes · #/people · #/person/NAME · #/albums · #/folders ·
// #/keywords, with the filters (FILTERS) and the open photo (photo=ID) as parameters, so that
// Back and Forward work, a reload restores the page and a link can be shared on the same
// machine. (The photo searched by in #/image is never stored.)
function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const i = h.indexOf('?');
  return { path: i < 0 ? h : h.slice(0, i), params: new URLSearchParams(i < 0 ? '' : h.slice(i + 1)) };
}

function buildHash(path, pairs) {
  const q = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `#${path}${q ? `?${q}` : ''}`;
}

// path with the query words given and the filters on screen.
function hashFor(path, q) {
  const pairs = [['q', q]];
  for (const [k, el] of FILTERS) {
    const v = filterValue(el);
    if (v && !(k === 'order' && v === 'newest')) pairs.push([k, v]);
  }
  return buildHash(path, pairs);
}

function go(hash, replace) {
  if (location.hash === hash) return route();
  if (replace) {
    history.replaceState(null, '', hash);
    route();
  } else {
    location.hash = hash;  // hashchange routes
  }
}

function setFiltersFrom(params) {
  for (const [k, el] of FILTERS) {
    const v = params.get(k) || '';
    if (el.type === 'checkbox') el.checked = v === '1';
    else if (el === els.fOrder) el.value = v || 'newest';
    else el.value = v;
  }
  // A format not yet in the list (it is filled from /api/status): kept for when it is.
  els.fFormat.dataset.want = params.get('format') || '';
}

function route() {
  const { path, params } = parseHash();
  const photo = parseInt(params.get('photo') || '', 10);
  params.delete('photo');
  const key = `${path}?${params}`;
  if (key !== shownKey) {
    shownKey = key;
    setFiltersFrom(params);
    const q = params.get('q') || '';
    if (path === '/search' && q) {
      els.q.value = q;
      show({ kind: 'search', q });
    } else if (path.startsWith('/similar/')) {
      const at = parseFloat(params.get('at'));
      show({ kind: 'similar', id: parseInt(path.slice(9), 10), at: Number.isFinite(at) ? at : null });
    } else if (path === '/dupes') {
      show({ kind: 'dupes' });
    } else if (path === '/people') {
      show({ kind: 'people' });
    } else if (['/albums', '/folders', '/keywords', '/problems'].includes(path)) {
      show({ kind: 'collections', list: path.slice(1) });
    } else if (path.startsWith('/person/')) {
      els.q.value = '';
      show({ kind: 'browse', person: decodeURIComponent(path.slice(8)) });
    } else if (path === '/browse') {
      els.q.value = '';
      show({ kind: 'browse', from: params.get('from') || '' });
    } else if (path === '/image') {
      show(uploadFile ? { kind: 'image', file: uploadFile } : { kind: 'image-gone' });
    } else {
      if (path === '/') els.q.value = '';
      show({ kind: 'random' });
    }
  }
  if (photo > 0) {
    if (detailId !== photo) openDetail(photo);
  } else if (!els.detail.hidden) {
    hideDetail();
  }
}
window.addEventListener('hashchange', () => {
  // Back or Forward onto a photo's URL: it was not opened by a click here.
  if (!parseHash().params.get('photo')) detailPushed = false;
  route();
});

let debounce = null;
function searchNow() {
  const q = els.q.value.trim();
  // Typing refines one search: one history entry for it, not one per pause.
  go(q ? hashFor('/search', q) : '#/', !!q && parseHash().path === '/search');
}
function scheduleSearch() {
  clearTimeout(debounce);
  debounce = setTimeout(searchNow, 250);
}
els.q.addEventListener('input', scheduleSearch);
els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(debounce);
  shownKey = null;  // Enter searches again even when nothing changed
  searchNow();
});

// Filters narrow the search, similar, image, browse and people views; on Random and
// Duplicates, which they cannot narrow, a filter opens Browse instead of doing nothing.
els.filtersToggle.addEventListener('click', () => {
  els.filters.hidden = !els.filters.hidden;
  els.filtersToggle.setAttribute('aria-expanded', String(!els.filters.hidden));
});
function applyFilters() {
  const { path, params } = parseHash();
  const target = ['/', '/dupes', ''].includes(path) ? '/browse' : path;
  go(hashFor(target, params.get('q')), false);
}
for (const [, el] of FILTERS) el.addEventListener('change', applyFilters);
els.fClear.addEventListener('click', () => {
  for (const [, el] of FILTERS) {
    if (el.type === 'checkbox') el.checked = false;
    else el.value = el === els.fOrder ? 'newest' : '';
  }
  applyFilters();
});

// Detail view.
function metaRow(dl, key, value) {
  if (value === null || value === undefined || value === '') return;
  const dt = document.createElement('dt');
  dt.textContent = key;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dl.append(dt, dd);
}

function humanSize(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(0)} KB`;
  return `${bytes} B`;
}

// Lower case without accents, as the server folds words (base/text_fold.h).
function fold(s) {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

// Boxes over the photo for the OCR words a search matched: a word that starts with a query
// word, or a piece (3+ letters) of one that OCR split in two.
function showBoxes(words, matched) {
  els.dBoxes.replaceChildren();
  const want = matched.map(fold).filter(Boolean);
  if (!want.length || !words) return;
  for (const [text, , x, y, w, h] of words) {
    const f = fold(text);
    if (!f || !want.some((m) => f.startsWith(m) || (f.length >= 3 && m.includes(f)))) continue;
    const box = document.createElement('span');
    box.style.left = `${x * 100}%`;
    box.style.top = `${y * 100}%`;
    box.style.width = `${w * 100}%`;
    box.style.height = `${h * 100}%`;
    box.title = text;
    els.dBoxes.appendChild(box);
  }
}

// Opens a photo: its URL gets photo=ID, so Back closes it and the link reopens it. Within an
// open photo (prev/next, "more like this") the entry is replaced: Back still closes.
function showPhoto(id) {
  const { path, params } = parseHash();
  params.set('photo', id);
  const replace = !els.detail.hidden;
  if (!replace) detailPushed = true;
  go(buildHash(path, [...params]), replace);
}

function closeDetail() {
  if (els.detail.hidden) return;
  if (detailPushed) {
    detailPushed = false;
    history.back();  // hashchange hides it
    return;
  }
  const { path, params } = parseHash();
  params.delete('photo');
  go(buildHash(path, [...params]), true);
}

// The photos the arrows step through: the grid's, in order.
function neighbour(step) {
  const i = items.findIndex((x) => x.id === detailId);
  const j = i + step;
  return i >= 0 && j >= 0 && j < items.length ? items[j] : null;
}

function setDetailActions(enabled) {
  for (const b of [els.dSimilar, els.dCopy]) b.disabled = !enabled;
  for (const a of [els.dOriginal, els.dDownload]) {
    if (!enabled) a.removeAttribute('href');
    a.setAttribute('aria-disabled', String(!enabled));
  }
}

async function openDetail(id) {
  detailId = id;
  const hit = items.find((x) => x.id === id);
  const matched = hit && hit.words ? hit.words : [];
  const wasHidden = els.detail.hidden;
  els.detail.hidden = false;
  document.body.style.overflow = 'hidden';
  els.dImg.removeAttribute('src');
  stopVideo();
  els.dMotion.hidden = true;
  els.dBoxes.replaceChildren();
  els.dName.textContent = '…';
  els.dError.hidden = true;
  els.dMeta.replaceChildren();
  els.dStrip.replaceChildren();
  els.dDupes.replaceChildren();
  els.dPrev.hidden = !neighbour(-1);
  els.dNext.hidden = !neighbour(1);
  setDetailActions(false);
  if (wasHidden) els.dClose.focus();
  let a;
  try {
    a = await api(`/api/assets/${id}`);
  } catch (e) {
    if (detailId !== id) return;
    els.dName.textContent = `Photo ${id}`;
    els.dError.textContent = e.offline ? 'Cannot reach the shoebox server: this photo opens when it is back.' : e.message;
    els.dError.hidden = false;
    if (e.offline) needsReload = true;
    return;
  }
  if (detailId !== id) return;
  setDetailActions(true);
  if (a.video) {
    // Played from the frame that was found (the search hit's time), else from its poster.
    const at = hit && typeof hit.at === 'number' ? hit.at : a.video.poster_at || 0;
    els.dImg.hidden = true;
    els.dVideo.hidden = false;
    if (a.thumb) els.dVideo.poster = a.thumb;
    els.dVideo.src = `${a.original}#t=${at.toFixed(2)}`;
    // A container or codec the browser cannot play (AVI...): the poster instead.
    els.dVideo.onerror = () => {
      stopVideo();
      if (a.thumb) els.dImg.src = a.thumb;
    };
  }
  if (!a.video) els.dImg.src = a.original;
  if (a.motion && a.motion.src) {
    // A motion photo: the still first; its few seconds of video on request, looping, muted.
    els.dMotion.hidden = false;
    els.dMotion.setAttribute('aria-pressed', 'false');
    els.dMotion.textContent = '▶ Play motion';
    els.dMotion.onclick = () => {
      if (els.dMotion.getAttribute('aria-pressed') === 'true') {
        stopVideo();
        els.dMotion.setAttribute('aria-pressed', 'false');
        els.dMotion.textContent = '▶ Play motion';
        return;
      }
      els.dImg.hidden = true;
      els.dVideo.hidden = false;
      els.dVideo.muted = true;
      els.dVideo.loop = true;
      els.dVideo.src = a.motion.src;
      els.dVideo.play().catch(() => {});
      els.dMotion.setAttribute('aria-pressed', 'true');
      els.dMotion.textContent = '■ Show the photo';
    };
  }
  const said = a.text && a.text.ocr ? a.text.ocr.trim().replace(/\s+/g, ' ') : '';
  // What the photo shows, as far as anyone wrote it down: its title or caption, else the words
  // read in it, else its name.
  const described = a.title || a.description;
  els.dImg.alt = described ? `${a.name}: ${described}` : said ? `${a.name}, with the text: ${said}` : a.name;
  els.dImg.onerror = () => { if (a.thumb) els.dImg.src = a.thumb; els.dImg.onerror = null; };
  els.dName.textContent = a.name;
  els.dOriginal.href = a.original;
  els.dDownload.href = a.original;
  els.dDownload.setAttribute('download', a.name);
  // Many cameras repeat the make in the model ("Canon" + "Canon EOS 350D").
  const make = a.camera && a.camera.make ? a.camera.make.trim() : '';
  const model = a.camera && a.camera.model ? a.camera.model.trim() : '';
  const cam = make && model.toLowerCase().startsWith(make.toLowerCase().split(/\s/)[0]) ? model
    : [make, model].filter(Boolean).join(' ');
  metaRow(els.dMeta, 'Date', a.taken_at ? formatDate(a.taken_at) + (a.taken_at.length > 19 ? ' ' + a.taken_at.slice(19) : '') : 'unknown');
  metaRow(els.dMeta, 'Camera', cam);
  metaRow(els.dMeta, 'Lens', a.lens);
  if (a.gps) metaRow(els.dMeta, 'Place', `${a.gps.lat.toFixed(5)}, ${a.gps.lon.toFixed(5)}`);
  if (a.width && a.height) metaRow(els.dMeta, 'Pixels', `${a.width} × ${a.height}`);
  if (a.motion) metaRow(els.dMeta, 'Motion', a.motion.duration ? `${formatDuration(a.motion.duration)} of video with the photo` : 'video with the photo');
  if (a.video) metaRow(els.dMeta, 'Video', [a.video.duration ? formatDuration(a.video.duration) : '', a.video.codec].filter(Boolean).join(', '));
  metaRow(els.dMeta, 'Size', humanSize(a.size));
  metaRow(els.dMeta, 'Format', a.format);
  if (said) {
    metaRow(els.dMeta, 'Text in photo', said);
    els.dMeta.lastElementChild.classList.add('ocr');
    els.dMeta.lastElementChild.title = `read by OCR (${a.text.lang}, confidence ${Math.round(a.text.confidence)}%)`;
  }
  showBoxes(a.text && a.text.words, matched);
  if (a.title) metaRow(els.dMeta, 'Title', a.title);
  if (a.description) metaRow(els.dMeta, 'Caption', a.description);
  if (a.albums && a.albums.length) metaRow(els.dMeta, 'Albums', a.albums.join(', '));
  if (a.keywords && a.keywords.length) metaRow(els.dMeta, 'Keywords', a.keywords.join(', '));
  if (a.people && a.people.length) {
    metaRow(els.dMeta, 'People', ' ');
    const dd = els.dMeta.lastElementChild;
    dd.replaceChildren();
    a.people.forEach((person, i) => {
      const link = document.createElement('a');
      link.href = `#/person/${encodeURIComponent(person.name)}`;
      link.textContent = person.name;
      link.addEventListener('click', () => closeDetail());
      if (i) dd.append(', ');
      dd.appendChild(link);
    });
  }
  if (a.rating) metaRow(els.dMeta, 'Rating', '★'.repeat(Math.max(0, Math.min(5, a.rating))));
  if (a.favorite) metaRow(els.dMeta, 'Favorite', '♥');
  if (a.pick === 1) metaRow(els.dMeta, 'Flag', 'picked');
  if (a.pick === -1) metaRow(els.dMeta, 'Flag', 'rejected');
  if (a.color_label) metaRow(els.dMeta, 'Label', a.color_label);
  if (a.hidden) metaRow(els.dMeta, 'Hidden', 'yes (hidden in its library)');
  if (a.trashed) metaRow(els.dMeta, 'Trash', 'in its library\'s trash');
  if (a.stand_in) metaRow(els.dMeta, 'Original', (a.stand_in === 'preview' ? 'offline; showing Lightroom\'s preview of ' : 'in iCloud only; showing Photos\' copy of ') + (a.original_path || ''));
  if (a.source && a.source.kind !== 'folder') metaRow(els.dMeta, 'Library', `${a.source.kind}: ${a.source.root}`);
  metaRow(els.dMeta, 'Folder', a.folder);
  metaRow(els.dMeta, 'Path', a.path);
  if (a.warning) metaRow(els.dMeta, 'Note', a.warning);
  els.dCopy.onclick = async () => {
    try {
      await navigator.clipboard.writeText(a.folder);
      toast('Folder path copied');
    } catch (e) {
      toast(a.folder);
    }
  };
  els.dSimilar.onclick = () => {
    detailPushed = false;
    // A video: like the moment the player shows.
    const playing = !els.dVideo.hidden && a.video;
    const h = hashFor(`/similar/${id}`);
    go(playing ? `${h}${h.includes('?') ? '&' : '?'}at=${els.dVideo.currentTime.toFixed(2)}` : h, false);
  };
  const exact = a.duplicates.exact || [];
  const near = a.duplicates.near || [];
  if (exact.length || near.length) {
    const h = document.createElement('strong');
    h.textContent = 'Duplicates';
    const ul = document.createElement('ul');
    for (const p of exact) {
      // The same photo stored again: one photo, nothing to open; its path can be copied.
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'linkish';
      b.textContent = p;
      b.title = 'Copy this path';
      b.addEventListener('click', () => navigator.clipboard.writeText(p).then(() => toast('Path copied'), () => toast(p)));
      li.append('same file: ', b);
      ul.appendChild(li);
    }
    for (const n of near) {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.textContent = n.path;
      if (n.id) {
        link.href = buildHash(parseHash().path, [...parseHash().params].filter(([k]) => k !== 'photo').concat([['photo', n.id]]));
        link.addEventListener('click', (e) => { e.preventDefault(); showPhoto(n.id); });
      }
      li.append('near: ', link);
      ul.appendChild(li);
    }
    els.dDupes.append(h, ul);
  }
  if (lastStatus && lastStatus.vectors.state === 'none') {
    // Nothing to compare with yet: say so instead of asking.
    els.dSimilar.disabled = true;
    const s = document.createElement('span');
    s.className = 'muted';
    s.textContent = 'Finding similar photos needs a model (see the note at the top of the page).';
    els.dStrip.replaceChildren(s);
    return;
  }
  try {
    const sim = await api(`/api/similar/${id}?n=16`);
    if (detailId !== id) return;
    els.dStrip.replaceChildren(...sim.results.map((r) => tile(r, { eager: true })));
  } catch (e) {
    const s = document.createElement('span');
    s.className = 'muted';
    s.textContent = e.message;
    els.dStrip.replaceChildren(s);
  }
}

// The detail view's player, stopped and emptied (a closed dialog must not keep playing or
// keep a range request open); the image shown again.
function stopVideo() {
  els.dVideo.onerror = null;
  els.dVideo.pause();
  els.dVideo.removeAttribute('src');
  els.dVideo.removeAttribute('poster');
  els.dVideo.load();
  els.dVideo.loop = false;
  els.dVideo.muted = false;
  els.dVideo.hidden = true;
  els.dImg.hidden = false;
}

// 75.4 -> "1:15", 3725 -> "1:02:05".
function formatDuration(s) {
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return (h ? `${h}:` : '') + `${mm}:${String(sec).padStart(2, '0')}`;
}

function hideDetail() {
  detailId = null;
  stopVideo();
  els.detail.hidden = true;
  document.body.style.overflow = '';
  const t = document.activeTile;
  if (t && document.body.contains(t)) t.focus();
}
els.dClose.addEventListener('click', closeDetail);
els.detail.addEventListener('click', (e) => { if (e.target === els.detail) closeDetail(); });
els.dPrev.addEventListener('click', () => { const n = neighbour(-1); if (n) showPhoto(n.id); });
els.dNext.addEventListener('click', () => { const n = neighbour(1); if (n) showPhoto(n.id); });
// A dialog keeps the keyboard: Tab cycles through its own controls.
els.detail.addEventListener('keydown', (e) => {
  if (e.key !== 'Tab') return;
  const focusable = [...els.detail.querySelectorAll('button, a[href], [tabindex]:not([tabindex="-1"])')]
    .filter((x) => !x.disabled && x.getClientRects().length > 0);
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (e.shiftKey && (document.activeElement === first || !els.detail.contains(document.activeElement))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (document.activeElement === last || !els.detail.contains(document.activeElement))) {
    e.preventDefault();
    first.focus();
  }
});
document.addEventListener('focusin', (e) => {
  if (!els.detail.hidden && !els.detail.contains(e.target)) els.dClose.focus();
});

// Why the first photo of a near group is the one to keep (search/duplicates.h Better()).
function keepReason(g) {
  const k = g.keep;
  const px = (f) => (f.width || 0) * (f.height || 0);
  if (g.others.every((o) => px(k) > px(o))) return 'most pixels';
  if (g.others.every((o) => px(k) >= px(o) && (k.size || 0) > (o.size || 0))) return 'largest file';
  if (k.taken_at && g.others.every((o) => !o.taken_at || k.taken_at <= o.taken_at)) return 'earliest';
  return 'shortest path';
}

// Duplicates page.
async function loadDupes() {
  els.grid.hidden = true;
  els.dupes.hidden = false;
  els.spinner.hidden = false;
  const gen = generation;
  try {
    let data = await api('/api/dupes');
    while (data.state === 'computing' && gen === generation) {
      setMessage('Looking for duplicates…');
      await new Promise((r) => setTimeout(r, 800));
      data = await api('/api/dupes');
    }
    if (gen !== generation) return;
    setMessage('');
    const groups = [];
    for (const g of data.near) groups.push({ title: `Near duplicates (similarity ${g.score.toFixed(3)})`, keep: g.keep, others: g.others, exact: false });
    for (const g of data.exact) groups.push({ title: 'Identical files', keep: g[0], others: g.slice(1), exact: true });
    // Space the others take: what keeping only the keeper would free (nothing is deleted here).
    const spare = groups.reduce((sum, g) => sum + g.others.reduce((t, f) => t + (f.size || 0), 0), 0);
    els.subtitle.textContent = `${groups.length} groups · ${humanSize(spare)} in the copies · reported only, nothing is deleted`;
    if (!groups.length) setMessage('No duplicates found.');
    for (const g of groups) {
      const box = document.createElement('section');
      box.className = 'dupe-group';
      const h = document.createElement('h3');
      h.textContent = g.title;
      const row = document.createElement('div');
      row.className = 'dupe-row';
      const why = keepReason(g);
      for (const [i, f] of [g.keep, ...g.others].entries()) {
        const cell = document.createElement('div');
        cell.className = 'dupe-item';
        if (f.id) cell.appendChild(tile({ id: f.id, name: f.name, thumb: f.thumb }, { eager: true }));
        // Side by side: what tells the copies apart.
        const facts = document.createElement('div');
        facts.className = 'facts';
        facts.textContent = [f.width && f.height ? `${f.width} × ${f.height}` : null, f.size ? humanSize(f.size) : null,
          f.taken_at ? formatDate(f.taken_at) : 'no date'].filter(Boolean).join(' · ');
        const p = document.createElement('div');
        p.className = 'path';
        p.textContent = f.path;
        if (i === 0) {
          const k = document.createElement('div');
          k.className = 'keep';
          k.textContent = g.exact ? 'keep (first path)' : `keep: ${why}`;
          cell.appendChild(k);
        }
        cell.append(facts, p);
        row.appendChild(cell);
      }
      box.append(h, row);
      els.dupes.appendChild(box);
    }
  } catch (e) {
    setMessage(e.message);
  } finally {
    els.spinner.hidden = true;
  }
}

// People page: everyone the libraries and XMP name, with their face cropped from a photo.
function faceCard(person) {
  const a = document.createElement('a');
  a.className = 'person';
  a.href = `#/person/${encodeURIComponent(person.name)}`;
  a.setAttribute('aria-label', `${person.name}, ${person.photos} photo${person.photos === 1 ? '' : 's'}`);
  const face = document.createElement('span');
  face.className = 'face';
  const img = document.createElement('img');
  img.alt = '';
  img.decoding = 'async';
  const box = person.cover && person.cover.box;
  img.addEventListener('load', () => {
    // The face's box, widened a little, made square and fitted to the card.
    if (box) {
      const side = face.clientWidth, W = img.naturalWidth, H = img.naturalHeight;
      const s = Math.max(box[2] * W, box[3] * H) * 1.6;
      const k = side / s;
      img.style.width = `${W * k}px`;
      img.style.height = `${H * k}px`;
      img.style.left = `${side / 2 - (box[0] + box[2] / 2) * W * k}px`;
      img.style.top = `${side / 2 - (box[1] + box[3] / 2) * H * k}px`;
      img.classList.add('cropped');
    }
    img.classList.add('loaded');
  });
  img.src = `/thumb/${person.cover.id}`;
  face.appendChild(img);
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = person.name;
  const count = document.createElement('span');
  count.className = 'muted';
  count.textContent = `${person.photos} photo${person.photos === 1 ? '' : 's'}`;
  a.append(face, name, count);
  return a;
}

async function loadPeople() {
  els.grid.hidden = true;
  els.people.hidden = false;
  els.spinner.hidden = false;
  const gen = generation;
  try {
    const data = await api(`/api/people?${filterParams()}`);
    if (gen !== generation) return;
    els.subtitle.textContent = `${data.people.length} ${data.people.length === 1 ? 'person' : 'people'}`;
    if (!data.people.length) {
      setMessage('Nobody is named yet. shoebox shows the people Apple Photos, Lightroom, Google Takeout and ' +
        'XMP face regions name; it does not recognise faces itself.');
    }
    els.people.replaceChildren(...data.people.map(faceCard));
  } catch (e) {
    if (gen === generation) setMessage(e.message);
  } finally {
    if (gen === generation) els.spinner.hidden = true;
  }
}

// The timeline's scrubber: the years of the photos Browse shows, each a jump to its start.
async function loadScrubber() {
  const gen = generation;
  try {
    const t = await timelineFor(filterParams());
    if (gen !== generation) return;
    const years = new Map();
    for (const m of t.months) years.set(m.month.slice(0, 4), (years.get(m.month.slice(0, 4)) || 0) + m.photos);
    if (years.size < 2) return;  // nothing to jump between
    const list = [...years.entries()];
    if (els.fOrder.value === 'oldest') list.reverse();
    els.scrubber.replaceChildren(...list.map(([year, n]) => {
      const a = document.createElement('a');
      a.textContent = year;
      a.dataset.year = year;
      a.title = `${n} photo${n === 1 ? '' : 's'} in ${year}`;
      const { params } = parseHash();
      params.delete('photo');
      params.set('from', year);
      a.href = buildHash('/browse', [...params]);
      return a;
    }));
    els.scrubber.hidden = false;
    markScrubber();
  } catch (e) {
    /* the scrubber is a convenience: Browse works without it */
  }
}
// The year at the top of the screen, marked on the scrubber.
function markScrubber() {
  if (els.scrubber.hidden) return;
  let year = view.from || null;
  for (const h of els.grid.querySelectorAll('.group-heading')) {
    if (h.getBoundingClientRect().top > 140) break;
    year = h.textContent.slice(-4);
  }
  if (!year) { const first = els.grid.querySelector('.group-heading'); year = first ? first.textContent.slice(-4) : null; }
  for (const a of els.scrubber.children) a.classList.toggle('active', a.dataset.year === year);
}
window.addEventListener('scroll', () => {
  if (markScrubber.pending) return;
  markScrubber.pending = true;
  requestAnimationFrame(() => {
    markScrubber.pending = false;
    markScrubber();
    // Scrolling down: what is far above may go (never while scrolling up towards it).
    const down = window.scrollY > lastScrollY;
    lastScrollY = window.scrollY;
    if (down && !loadingAbove) pruneAbove();
  });
}, { passive: true });

// Albums, folders and keywords: each a card with its newest photo, opening Browse filtered by it.
async function loadCollections() {
  els.grid.hidden = true;
  els.collections.hidden = false;
  els.collectionTabs.hidden = false;
  for (const a of els.collectionTabs.querySelectorAll('a')) {
    a.classList.toggle('active', a.dataset.kind === view.list);
    if (a.dataset.kind === view.list) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  els.spinner.hidden = false;
  if (view.list === 'problems') return loadProblems();
  const gen = generation;
  const filter = { albums: 'album', folders: 'folder', keywords: 'keyword' }[view.list];
  try {
    const data = await api(`/api/${view.list}?${filterParams()}`);
    if (gen !== generation) return;
    const list = data[view.list];
    const noun = { albums: 'album', folders: 'folder', keywords: 'keyword' }[view.list];
    els.subtitle.textContent = `${list.length} ${noun}${list.length === 1 ? '' : 's'}`;
    if (!list.length) {
      setMessage(view.list === 'folders' ? 'No photos yet.'
        : `No ${view.list} yet: shoebox lists the ${view.list} of Apple Photos, Lightroom, Capture One and Google Takeout ` +
          `libraries${view.list === 'keywords' ? ' and of XMP' : ''}.`);
    }
    els.collections.replaceChildren(...list.map((c) => {
      const a = document.createElement('a');
      a.className = 'collection';
      // The folder's own name, its path beside it; albums and keywords by name.
      const label = view.list === 'folders' ? c.name.slice(c.name.lastIndexOf('/') + 1) || c.name : c.name;
      a.href = buildHash('/browse', [[filter, c.name]]);
      a.setAttribute('aria-label', `${label}, ${c.photos} photo${c.photos === 1 ? '' : 's'}`);
      a.title = c.name;
      const img = document.createElement('img');
      img.alt = '';
      img.loading = 'lazy';
      img.decoding = 'async';
      img.src = c.cover.thumb;
      img.addEventListener('load', () => img.classList.add('loaded'));
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = label;
      const count = document.createElement('span');
      count.className = 'muted';
      count.textContent = view.list === 'folders' ? `${c.photos} · ${c.name}` : `${c.photos} photo${c.photos === 1 ? '' : 's'}`;
      a.append(img, name, count);
      return a;
    }));
  } catch (e) {
    if (gen === generation) setMessage(e.offline ? '' : e.message);
    if (e.offline) needsReload = true;
  } finally {
    if (gen === generation) els.spinner.hidden = true;
  }
}

// What indexing could not read, with the reason it recorded (`shoebox errors`): such files
// have no photo in the grid, so this list is the only place the page can say why.
const PROBLEM_KINDS = { file: 'not indexed', folder: 'folder not indexed', warning: 'indexed, with a warning' };
async function loadProblems() {
  const gen = generation;
  els.collections.replaceChildren();
  try {
    const data = await api('/api/problems');
    if (gen !== generation) return;
    const unread = data.problems.filter((p) => p.kind !== 'warning');
    const warned = data.problems.filter((p) => p.kind === 'warning');
    const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
    els.subtitle.textContent = (data.count === data.problems.length ? '' : `the first ${data.problems.length} of ${data.count.toLocaleString()} (all: shoebox errors): `) +
      [unread.length ? `${plural(unread.length, 'file was', 'files were')} not read` : '',
        warned.length ? `${plural(warned.length, 'file was', 'files were')} read with a warning` : ''].filter(Boolean).join(', ');
    if (!data.count) setMessage('Every file was read.');
    const list = document.createElement('ul');
    list.className = 'problems';
    for (const p of [...unread, ...warned]) {
      const li = document.createElement('li');
      const where = document.createElement('div');
      where.className = 'path';
      where.textContent = p.path;
      const why = document.createElement('div');
      why.className = 'reason';
      why.textContent = p.reason;
      const kind = document.createElement('span');
      kind.className = `kind ${p.kind}`;
      kind.textContent = PROBLEM_KINDS[p.kind] || p.kind;
      li.append(kind, where, why);
      list.appendChild(li);
    }
    els.collections.replaceChildren(list);
  } catch (e) {
    if (gen === generation) setMessage(e.offline ? '' : e.message);
    if (e.offline) needsReload = true;
  } finally {
    if (gen === generation) els.spinner.hidden = true;
  }
}

// Drag and drop a photo (or paste one) to search by it.
let dragDepth = 0;
window.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes('Files')) return;
  dragDepth++;
  els.drop.hidden = false;
});
window.addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; els.drop.hidden = true; } });
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  els.drop.hidden = true;
  const file = e.dataTransfer && e.dataTransfer.files[0];
  if (file) searchByFile(file);
});
window.addEventListener('paste', (e) => {
  const file = Array.from(e.clipboardData ? e.clipboardData.files : [])[0];
  if (file) searchByFile(file);
});
function searchByFile(file) {
  if (!file.type.startsWith('image/') && file.type !== '') return toast(`${file.name} is not an image`);
  if (file.size > 50 * 1024 * 1024) return toast('That file is over 50 MB');
  uploadFile = file;
  els.q.value = '';
  shownKey = null;  // a second photo searches again on the same URL
  go(hashFor('/image'), parseHash().path === '/image');
}
// Choose a photo (on a phone: the library or the camera) to search by.
els.uploadButton.addEventListener('click', () => els.upload.click());
els.upload.addEventListener('change', () => {
  const file = els.upload.files[0];
  if (file) searchByFile(file);
  els.upload.value = '';
});

els.selectToggle.addEventListener('click', () => setSelecting(!selecting));
$('sel-done').addEventListener('click', () => setSelecting(false));
$('sel-all').addEventListener('click', () => {
  for (const it of items) selected.set(it.id, it);
  setSelecting(true);
});
els.selCopy.addEventListener('click', () => copyLines([...selected.values()].map((x) => x.path), 'path'));
els.selFolders.addEventListener('click', () => {
  const folders = [...new Set([...selected.values()].map((x) => x.path.slice(0, x.path.lastIndexOf('/')) || '/'))];
  copyLines(folders, 'folder path');
});

// Keyboard: / focuses search, arrows move through the grid, Enter opens, Esc closes,
// x selects the focused photo.
function tiles() { return Array.from(els.grid.querySelectorAll('.tile')); }
function columns() {
  const t = tiles();
  if (t.length < 2) return 1;
  const top = t[0].getBoundingClientRect().top;
  const n = t.findIndex((x) => x.getBoundingClientRect().top !== top);
  return n < 0 ? t.length : n;
}
document.addEventListener('focusin', (e) => {
  if (e.target.classList && e.target.classList.contains('tile') && els.grid.contains(e.target)) document.activeTile = e.target;
});
document.addEventListener('keydown', (e) => {
  const typing = e.target === els.q || ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName);
  if (e.key === 'Escape') {
    if (!els.detail.hidden) { closeDetail(); e.preventDefault(); return; }
    if (e.target === els.q && els.q.value) { els.q.value = ''; scheduleSearch(); return; }
    if (typing) { e.target.blur(); return; }
    if (selecting) { setSelecting(false); e.preventDefault(); return; }
  }
  if (!els.detail.hidden) {
    // In the detail view, left/right step through the grid's photos.
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const n = neighbour(e.key === 'ArrowRight' ? 1 : -1);
      if (n) { e.preventDefault(); showPhoto(n.id); }
    }
    return;
  }
  if (typing) {
    if (e.key === 'ArrowDown' && e.target === els.q && tiles().length) { e.preventDefault(); tiles()[0].focus(); }
    return;
  }
  if (e.key === '/') { e.preventDefault(); els.q.focus(); els.q.select(); return; }
  const all = tiles();
  if (!all.length) return;
  const cur = all.indexOf(document.activeElement);
  if ((e.key === 'x' || e.key === 'X') && cur >= 0 && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    const id = Number(all[cur].dataset.id);
    const item = items.find((x) => x.id === id);
    if (item) toggleSelected(all[cur], item, e.shiftKey);
    return;
  }
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns() }[e.key];
  if (step !== undefined) {
    e.preventDefault();
    const next = cur < 0 ? 0 : Math.max(0, Math.min(all.length - 1, cur + step));
    all[next].focus();
    all[next].scrollIntoView({ block: 'nearest' });
    if (next >= all.length - columns() && hasMore && !loading) loadPage();
  }
});

// Indexing progress and the formats for the filter, from /api/status.
let formatsFilled = false;
async function pollStatus() {
  try {
    const s = await api('/api/status');
    lastStatus = s;
    if (!formatsFilled && s.formats) {
      for (const f of Object.keys(s.formats).sort()) {
        const o = document.createElement('option');
        o.value = f;
        o.textContent = `${f} (${s.formats[f]})`;
        els.fFormat.appendChild(o);
      }
      formatsFilled = true;
      if (els.fFormat.dataset.want) els.fFormat.value = els.fFormat.dataset.want;
    }
    showOnboarding(s);
    const problems = (s.errors || 0) + (s.warnings || 0);
    $('tab-problems').hidden = !problems;
    $('problems-count').textContent = problems ? problems.toLocaleString() : '';
    const ix = s.indexing || {};
    const total = (ix.embedded || 0) + (ix.failed || 0) + (ix.pending || 0);
    // With no vectors there is no model to wait for (search answers from the words).
    const busy = s.vectors.state === 'loading' || (s.model.state === 'loading' && s.vectors.state !== 'none');
    if ((ix.pending > 0 && total > 0) || busy) {
      els.progress.hidden = false;
      const pct = total ? Math.floor(100 * ((ix.embedded || 0) + (ix.failed || 0)) / total) : 0;
      els.progressText.textContent = busy ? 'Loading the model and photo vectors…'
        : `Indexing: ${(ix.embedded || 0).toLocaleString()} of ${total.toLocaleString()} photos embedded (${pct}%)`;
      els.progressFill.style.width = `${busy ? 15 : pct}%`;
    } else {
      els.progress.hidden = true;
    }
    if (s.model.state === 'error') {
      els.progress.hidden = false;
      els.progressText.textContent = s.model.error;
    }
  } catch (e) {
    /* the server may be restarting: api() showed the banner; try again */
  }
  clearTimeout(pollStatus.timer);
  const settingUp = lastStatus && lastStatus.setup && (lastStatus.setup.state === 'downloading' ||
    lastStatus.setup.state === 'embedding' || (setupStarted && lastStatus.model.state !== 'ready'));
  pollStatus.timer = setTimeout(pollStatus, !els.offline.hidden ? 2000 : document.hidden ? 10000 : settingUp ? 1000 : 3000);
}

// First run (no photos) and no model (words only): what works now and how to get the rest,
// and a model download started from here (POST /api/models/setup; progress in s.setup).
let setupStarted = false;  // this page started one: it stays in view until it ends
function showOnboarding(s) {
  const empty = !s.assets;
  const setup = s.setup || { state: 'idle', models: [] };
  const running = setup.state === 'downloading' || setup.state === 'embedding';
  const noModel = !empty && s.vectors.state === 'none' && localStorage.getItem('shoebox.hideNoModel') !== '1';
  const following = running || (setupStarted && setup.state !== 'idle');
  const onboard = $('onboard');
  onboard.hidden = !empty && !noModel && !following;
  showSetup(setup, empty || noModel || following, s);
  onboard.querySelector('[data-when="empty"]').hidden = !empty;
  onboard.querySelector('[data-when="no-model"]').hidden = !noModel;
  // The page that was empty fills in as photos arrive.
  if (onboard.dataset.wasEmpty === '1' && !empty && view.kind === 'random' && !items.length) show(view);
  onboard.dataset.wasEmpty = empty ? '1' : '';
}
function megabytes(bytes) { return `${Math.round(bytes / 1e6).toLocaleString()} MB`; }
function showSetup(setup, visible, s) {
  const box = $('setup');
  box.hidden = !visible || !setup.models || !setup.models.length;
  if (box.hidden) return;
  const select = $('setup-model');
  if (!select.options.length) {
    for (const m of setup.models) {
      const o = document.createElement('option');
      o.value = m.name;
      o.textContent = `${m.name}: ${m.note}${m.downloaded ? ' (downloaded)' : ''}`;
      select.appendChild(o);
    }
    select.value = setup.model || 'clip-vit-b32';
  }
  const running = setup.state === 'downloading' || setup.state === 'embedding';
  // Once done, only the outcome (the note above it has gone with the missing vectors).
  const finished = setup.state === 'done' && setupStarted;
  box.classList.toggle('alone', $('onboard').querySelectorAll('[data-when]:not([hidden])').length === 0);
  $('setup-intro').hidden = finished;
  $('setup-row').hidden = finished;
  $('setup-hide').hidden = !finished;
  const button = $('setup-start');
  button.disabled = running;
  button.textContent = setup.state === 'failed' ? 'Try again' : 'Download and index';
  select.disabled = running;
  const track = $('setup-track');
  const fill = $('setup-fill');
  const text = $('setup-text');
  text.classList.toggle('error', setup.state === 'failed');
  track.hidden = !running;
  if (setup.state === 'downloading') {
    const pct = setup.total ? Math.floor(100 * setup.done / setup.total) : 0;
    fill.style.width = `${pct}%`;
    text.textContent = setup.total
      ? `Downloading ${setup.model}: ${megabytes(setup.done)} of ${megabytes(setup.total)} (${pct}%)`
      : `Downloading ${setup.model}: asking the Hugging Face Hub for its files…`;
  } else if (setup.state === 'embedding') {
    const ix = s.indexing || {};
    const total = (ix.embedded || 0) + (ix.failed || 0) + (ix.pending || 0);
    const pct = total ? Math.floor(100 * ((ix.embedded || 0) + (ix.failed || 0)) / total) : 0;
    fill.style.width = `${total ? pct : 5}%`;
    text.textContent = total
      ? `Indexing your photos with ${setup.model}: ${(ix.embedded || 0).toLocaleString()} of ${total.toLocaleString()} (${pct}%)`
      : `Loading ${setup.model} to index your photos…`;
  } else if (setup.state === 'done' && s.assets && s.model.state !== 'ready') {
    text.textContent = `Your photos are indexed with ${setup.model}; loading it for searches…`;
  } else if (setup.state === 'done') {
    text.textContent = s.assets
      ? `${setup.model} is ready: search finds your photos by what they show.`
      : `${setup.model} is downloaded: photos you index from now on are searchable by what they show.`;
  } else if (setup.state === 'failed') {
    text.textContent = `Could not get ${setup.model}: ${setup.error}`;
  } else {
    text.textContent = '';
  }
}
$('setup-hide').addEventListener('click', () => {
  setupStarted = false;
  if (lastStatus) showOnboarding(lastStatus);
});
$('setup-start').addEventListener('click', async () => {
  const model = $('setup-model').value;
  $('setup-start').disabled = true;
  try {
    await api(`/api/models/setup?model=${encodeURIComponent(model)}`, { method: 'POST' });
    setupStarted = true;
  } catch (e) {
    $('setup-text').textContent = e.message;
    $('setup-start').disabled = false;
  }
  pollStatus();
});
$('onboard-hide').addEventListener('click', () => {
  localStorage.setItem('shoebox.hideNoModel', '1');
  $('onboard').hidden = true;
});

// The banner while the server does not answer; when it does again, what failed meanwhile
// loads by itself.
function setOffline(away) {
  if (away === !els.offline.hidden) return;
  els.offline.hidden = !away;
  if (away) return;
  if (needsReload) {
    needsReload = false;
    resumeMore = false;
    shownKey = null;
    detailId = null;  // an open photo that failed loads again too
    route();
  } else if (resumeMore) {
    resumeMore = false;
    hasMore = true;
    loadPage();
  }
}
els.offlineRetry.addEventListener('click', () => pollStatus());

// On a phone the nav row scrolls sideways: a fade says there is more past an edge.
const nav = document.querySelector('.nav');
function navCue() {
  const more = nav.scrollWidth - nav.clientWidth;
  nav.classList.toggle('more-right', more > 2 && nav.scrollLeft < more - 2);
  nav.classList.toggle('more-left', more > 2 && nav.scrollLeft > 2);
}
nav.addEventListener('scroll', navCue, { passive: true });
window.addEventListener('resize', navCue);
navCue();

// The first status poll waits for the first screen (or a second and a half): at 200,000 photos
// its counts would compete with the thumbnails for the CPU.
let firstPainted = () => {
  firstPainted = () => {};
  clearTimeout(firstPoll);
  pollStatus();
};
const firstPoll = setTimeout(() => firstPainted(), 1500);
route();
