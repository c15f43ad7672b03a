// shoebox web UI: plain modules-free JavaScript, no dependencies, nothing fetched from the
// network but this server's own API (see docs/api.md).
'use strict';

const PAGE = 60;
const $ = (id) => document.getElementById(id);
const els = {
  q: $('q'), form: $('search-form'), grid: $('grid'), title: $('title'), subtitle: $('subtitle'),
  message: $('message'), sentinel: $('sentinel'), spinner: $('spinner'), dupes: $('dupes'), people: $('people'),
  detail: $('detail'), dImg: $('d-img'), dBoxes: $('d-boxes'), dName: $('d-name'), dMeta: $('d-meta'), dStrip: $('d-strip'),
  dDupes: $('d-dupes'), dSimilar: $('d-similar'), dCopy: $('d-copy'), dOriginal: $('d-original'), dClose: $('d-close'),
  filters: $('filters'), filtersToggle: $('filters-toggle'), progress: $('progress'),
  progressText: $('progress-text'), progressFill: $('progress-fill'), drop: $('drop'), toast: $('toast'),
  fAfter: $('f-after'), fBefore: $('f-before'), fFolder: $('f-folder'), fCamera: $('f-camera'),
  fFormat: $('f-format'), fDateSort: $('f-date-sort'), fClear: $('f-clear'),
  fAlbum: $('f-album'), fKeyword: $('f-keyword'), fRating: $('f-rating'), fFavorite: $('f-favorite'),
  fOrder: $('f-order'),
};

// What the grid shows: {kind: 'random'|'browse'|'search'|'similar'|'image'|'dupes'|'people', q, id,
// file, person (browse: only their photos)}
let view = { kind: 'random' };
let items = [];         // results shown, in order
let offset = 0;
let hasMore = false;
let loading = false;
let generation = 0;     // bumps on every new view; late answers of an old one are dropped
let detailId = null;
let uploadFile = null;

// Measured for the browser test and for curious people: the last page's fetch → painted time.
window.shoeboxMetrics = { lastPage: null };

function toast(text) {
  els.toast.textContent = text;
  els.toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { els.toast.hidden = true; }, 2600);
}

async function api(path, options) {
  const res = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
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

function filterParams() {
  const p = new URLSearchParams();
  if (els.fAfter.value) p.set('after', els.fAfter.value);
  if (els.fBefore.value) p.set('before', els.fBefore.value);
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
  b.setAttribute('role', 'listitem');
  b.dataset.id = item.id;
  const label = [item.name, item.taken_at ? formatDate(item.taken_at) : null].filter(Boolean).join(', ');
  b.setAttribute('aria-label', label || `photo ${item.id}`);
  b.title = item.name || '';
  const img = document.createElement('img');
  img.alt = item.name || '';
  img.decoding = 'async';
  if (!(opts && opts.eager)) img.loading = 'lazy';
  img.addEventListener('load', () => img.classList.add('loaded'));
  img.addEventListener('error', () => {
    const s = document.createElement('span');
    s.className = 'broken';
    s.textContent = 'no preview';
    b.appendChild(s);
  });
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
    when.title = 'The best match is this far into the animation';
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
  b.addEventListener('click', () => openDetail(item.id, item.words || []));
  return b;
}

function setMessage(text) {
  els.message.textContent = text || '';
  els.message.hidden = !text;
}

function resetGrid() {
  generation++;
  items = [];
  offset = 0;
  hasMore = false;
  loading = false;
  els.grid.replaceChildren();
  els.dupes.replaceChildren();
  els.dupes.hidden = true;
  els.people.replaceChildren();
  els.people.hidden = true;
  els.grid.hidden = false;
  setMessage('');
}

function highlightNav() {
  $('nav-random').classList.toggle('active', view.kind === 'random');
  $('nav-browse').classList.toggle('active', view.kind === 'browse' && !view.person);
  $('nav-people').classList.toggle('active', view.kind === 'people' || !!view.person);
  $('nav-dupes').classList.toggle('active', view.kind === 'dupes');
}

async function loadPage() {
  if (loading || view.kind === 'dupes' || view.kind === 'people') return;
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
      data = await api(`/api/browse?${p}`);
    } else if (view.kind === 'search') {
      p.set('q', view.q);
      data = await api(`/api/search?${p}`);
    } else if (view.kind === 'similar') {
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
    els.grid.append(...nodes);
    if (view.kind === 'browse') {
      els.subtitle.textContent = `${items.length}${hasMore ? '+' : ''} photo${items.length === 1 ? '' : 's'}`;
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
      setMessage(view.kind === 'random' ? 'No photos yet: run `shoebox index FOLDER`.'
        : view.kind === 'browse' ? 'No photos match these filters.' : 'No matches. Try other words, or clear the filters.');
    }
    // Painted: every new image decoded (or failed).
    const imgs = nodes.map((n) => n.querySelector('img')).filter(Boolean);
    await Promise.all(imgs.map((img) => img.complete ? null : new Promise((r) => {
      img.addEventListener('load', r, { once: true });
      img.addEventListener('error', r, { once: true });
    })));
    await new Promise((r) => requestAnimationFrame(() => r()));
    window.shoeboxMetrics.lastPage = { count: nodes.length, ms: performance.now() - started, view: view.kind };
  } catch (e) {
    if (gen !== generation) return;
    hasMore = false;
    if (e.status === 503) {
      setMessage('Getting ready: ' + e.message + '…');
      setTimeout(() => { if (gen === generation) loadPage(); }, 1000);
    } else {
      setMessage(e.message);
    }
  } finally {
    if (gen === generation) {
      loading = false;
      els.spinner.hidden = true;
      // The sentinel may still be visible after a short page: keep filling the screen.
      if (hasMore && sentinelVisible()) loadPage();
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

function show(newView) {
  view = newView;
  resetGrid();
  highlightNav();
  if (view.kind === 'random') {
    els.title.textContent = 'Random photos';
  } else if (view.kind === 'browse') {
    els.title.textContent = view.person || 'All photos';
  } else if (view.kind === 'search') {
    els.title.textContent = `“${view.q}”`;
  } else if (view.kind === 'similar') {
    els.title.textContent = 'Similar photos';
  } else if (view.kind === 'image') {
    els.title.textContent = `Like ${view.file.name || 'the dropped photo'}`;
  } else if (view.kind === 'dupes') {
    els.title.textContent = 'Duplicates';
    return loadDupes();
  } else if (view.kind === 'people') {
    els.title.textContent = 'People';
    return loadPeople();
  }
  els.subtitle.textContent = '';
  loadPage();
}

// Hash routes: #/ · #/browse · #/search?q=… · #/similar/ID · #/dupes · #/people ·
// #/person/NAME (the upload view has no URL).
function route() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [path, query] = h.split('?');
  const params = new URLSearchParams(query || '');
  if (path === '/search' && params.get('q')) {
    els.q.value = params.get('q');
    show({ kind: 'search', q: params.get('q') });
  } else if (path.startsWith('/similar/')) {
    show({ kind: 'similar', id: parseInt(path.slice(9), 10) });
  } else if (path === '/dupes') {
    show({ kind: 'dupes' });
  } else if (path === '/people') {
    show({ kind: 'people' });
  } else if (path.startsWith('/person/')) {
    els.q.value = '';
    show({ kind: 'browse', person: decodeURIComponent(path.slice(8)) });
  } else if (path === '/browse') {
    els.q.value = '';
    show({ kind: 'browse' });
  } else if (path === '/image' && uploadFile) {
    show({ kind: 'image', file: uploadFile });
  } else {
    if (path === '/') els.q.value = '';
    show({ kind: 'random' });
  }
}
window.addEventListener('hashchange', route);

let debounce = null;
function scheduleSearch() {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    const q = els.q.value.trim();
    const target = q ? `#/search?q=${encodeURIComponent(q)}` : '#/';
    if (location.hash !== target) location.hash = target;
  }, 250);
}
els.q.addEventListener('input', scheduleSearch);
els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(debounce);
  const q = els.q.value.trim();
  const target = q ? `#/search?q=${encodeURIComponent(q)}` : '#/';
  if (location.hash === target) route(); else location.hash = target;
});

// Filters apply to the current search or similar view.
els.filtersToggle.addEventListener('click', () => {
  els.filters.hidden = !els.filters.hidden;
  els.filtersToggle.setAttribute('aria-expanded', String(!els.filters.hidden));
});
for (const el of [els.fAfter, els.fBefore, els.fFolder, els.fCamera, els.fFormat, els.fDateSort,
                  els.fAlbum, els.fKeyword, els.fRating, els.fFavorite, els.fOrder]) {
  el.addEventListener('change', () => { if (!['random', 'dupes', 'people'].includes(view.kind)) show(view); });
}
els.fClear.addEventListener('click', () => {
  for (const el of [els.fAfter, els.fBefore, els.fFolder, els.fCamera, els.fFormat, els.fAlbum, els.fKeyword,
                    els.fRating]) el.value = '';
  els.fDateSort.checked = false;
  els.fFavorite.checked = false;
  if (!['random', 'dupes', 'people'].includes(view.kind)) show(view);
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

async function openDetail(id, matched = []) {
  detailId = id;
  els.detail.hidden = false;
  document.body.style.overflow = 'hidden';
  els.dImg.removeAttribute('src');
  els.dBoxes.replaceChildren();
  els.dName.textContent = '…';
  els.dMeta.replaceChildren();
  els.dStrip.replaceChildren();
  els.dDupes.replaceChildren();
  els.dClose.focus();
  let a;
  try {
    a = await api(`/api/assets/${id}`);
  } catch (e) {
    els.dName.textContent = e.message;
    return;
  }
  if (detailId !== id) return;
  els.dImg.src = a.original;
  const said = a.text && a.text.ocr ? a.text.ocr.trim() : '';
  els.dImg.alt = said ? `${a.name}: ${said.replace(/\s+/g, ' ')}` : a.name;
  els.dImg.onerror = () => { if (a.thumb) els.dImg.src = a.thumb; els.dImg.onerror = null; };
  els.dName.textContent = a.name;
  els.dOriginal.href = a.original;
  const cam = a.camera ? [a.camera.make, a.camera.model].filter(Boolean).join(' ') : '';
  metaRow(els.dMeta, 'Date', a.taken_at ? formatDate(a.taken_at) + (a.taken_at.length > 19 ? ' ' + a.taken_at.slice(19) : '') : 'unknown');
  metaRow(els.dMeta, 'Camera', cam);
  metaRow(els.dMeta, 'Lens', a.lens);
  if (a.gps) metaRow(els.dMeta, 'Place', `${a.gps.lat.toFixed(5)}, ${a.gps.lon.toFixed(5)}`);
  if (a.width && a.height) metaRow(els.dMeta, 'Pixels', `${a.width} × ${a.height}`);
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
  els.dSimilar.onclick = () => { closeDetail(); location.hash = `#/similar/${id}`; };
  const exact = a.duplicates.exact || [];
  const near = a.duplicates.near || [];
  if (exact.length || near.length) {
    const h = document.createElement('strong');
    h.textContent = 'Duplicates';
    const ul = document.createElement('ul');
    for (const p of exact) { const li = document.createElement('li'); li.textContent = `same file: ${p}`; ul.appendChild(li); }
    for (const n of near) { const li = document.createElement('li'); li.textContent = `near: ${n.path}`; ul.appendChild(li); }
    els.dDupes.append(h, ul);
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

function closeDetail() {
  detailId = null;
  els.detail.hidden = true;
  document.body.style.overflow = '';
  const t = document.activeTile;
  if (t && document.body.contains(t)) t.focus();
}
els.dClose.addEventListener('click', closeDetail);
els.detail.addEventListener('click', (e) => { if (e.target === els.detail) closeDetail(); });

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
    for (const g of data.near) groups.push({ title: `Near duplicates (similarity ≥ ${g.score.toFixed(2)})`, keep: g.keep, others: g.others });
    for (const g of data.exact) groups.push({ title: 'Identical files', keep: g[0], others: g.slice(1) });
    els.subtitle.textContent = `${groups.length} groups · reported only, nothing is deleted`;
    if (!groups.length) setMessage('No duplicates found.');
    for (const g of groups) {
      const box = document.createElement('section');
      box.className = 'dupe-group';
      const h = document.createElement('h3');
      h.textContent = g.title;
      const row = document.createElement('div');
      row.className = 'dupe-row';
      for (const [i, f] of [g.keep, ...g.others].entries()) {
        const cell = document.createElement('div');
        cell.className = 'dupe-item';
        if (f.id) cell.appendChild(tile({ id: f.id, name: f.name, thumb: f.thumb }, { eager: true }));
        const p = document.createElement('div');
        p.textContent = f.path;
        if (i === 0) { p.classList.add('keep'); p.textContent = `keep: ${f.path}`; }
        cell.appendChild(p);
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
  a.setAttribute('role', 'listitem');
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
  if (file.size > 50 * 1024 * 1024) return toast('That file is over 50 MB');
  uploadFile = file;
  els.q.value = '';
  if (location.hash === '#/image') route(); else location.hash = '#/image';
}

// Keyboard: / focuses search, arrows move through the grid, Enter opens, Esc closes.
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
  }
  if (!els.detail.hidden) {
    // In the detail view, left/right step through the grid's photos.
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const i = items.findIndex((x) => x.id === detailId);
      const j = i + (e.key === 'ArrowRight' ? 1 : -1);
      if (i >= 0 && j >= 0 && j < items.length) { e.preventDefault(); openDetail(items[j].id, items[j].words || []); }
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
    if (!formatsFilled && s.formats) {
      for (const f of Object.keys(s.formats).sort()) {
        const o = document.createElement('option');
        o.value = f;
        o.textContent = `${f} (${s.formats[f]})`;
        els.fFormat.appendChild(o);
      }
      formatsFilled = true;
    }
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
    /* the server may be restarting; try again */
  }
  setTimeout(pollStatus, document.hidden ? 10000 : 3000);
}

route();
pollStatus();
