// The demo page's wiring: choose pages, send them as jobs, show each page's progress and result,
// offer the downloads. Plain browser JS served as-is (no build step).
import { ApiError, createApi } from './api.js';
import { drawPage } from './overlay.js';
import { choosePages, readAsDataUrl, splitIntoJobs, uuid4 } from './pages.js';
import { zipStore } from './zip.js';

const $ = (id) => document.getElementById(id);

/** What each error code means, in plain words; the server's own message follows in brackets. */
const PLAIN = {
  IMAGE_DECODE: 'This file could not be read as an image.',
  PAGE_TOO_LARGE: 'This page is too large for the server.',
  JOB_TOO_LARGE: 'Too many pages for one job on this server.',
  NO_PAGES: 'No readable page was sent.',
  MODEL_LOAD: 'The server could not load its OCR models.',
  NOT_READY: 'The server is still loading its models. Try again in a moment.',
  INFERENCE: 'Reading the text of this page failed.',
  ABORTED: 'The job was cancelled.',
  INTERNAL: 'The server had an internal problem.',
  INVALID_INPUT: 'The server did not accept the request.',
};
const plain = (code, message) => (PLAIN[code] ? `${PLAIN[code]} (${message})` : message);

let chosen = [];
let busy = false;
let result = null; // { doc, files: Map<img_path, File> } once a run has finished

const api = createApi({ askKey });

// --- API key: asked for only when the server answers 401 -------------------------------------
function askKey(message) {
  const form = $('key-form');
  $('key-message').textContent = message;
  form.hidden = false;
  $('key').value = '';
  $('key').focus();
  return new Promise((resolve) => {
    const done = (value) => {
      form.hidden = true;
      form.removeEventListener('submit', onSubmit);
      $('key-cancel').removeEventListener('click', onCancel);
      resolve(value);
    };
    const onSubmit = (e) => { e.preventDefault(); done($('key').value.trim()); };
    const onCancel = () => done('');
    form.addEventListener('submit', onSubmit);
    $('key-cancel').addEventListener('click', onCancel);
  });
}

// --- choosing pages -----------------------------------------------------------------------
function choose(fileList) {
  if (busy) return;
  const { pages, skipped } = choosePages(fileList);
  chosen = pages;
  const names = pages.map((f) => f.name).join(', ');
  let text = pages.length ? `${pages.length} page${pages.length > 1 ? 's' : ''}: ${names}` : 'No pages chosen yet.';
  if (skipped.length) text += ` — skipped (not images): ${skipped.join(', ')}`;
  $('chosen').textContent = text;
  $('submit').disabled = pages.length === 0;
}

$('files').addEventListener('change', (e) => choose(e.target.files));
// Drops anywhere: a file dropped beside the zone would otherwise make the browser leave the page.
document.addEventListener('dragover', (e) => { e.preventDefault(); $('drop-zone').classList.add('over'); });
document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) $('drop-zone').classList.remove('over'); });
document.addEventListener('drop', (e) => {
  e.preventDefault();
  $('drop-zone').classList.remove('over');
  if (e.dataTransfer?.files?.length) choose(e.dataTransfer.files);
});

$('show-boxes').addEventListener('change', (e) => $('pages').classList.toggle('show-boxes', e.target.checked));
$('show-text').addEventListener('change', (e) => $('pages').classList.toggle('show-text', e.target.checked));

// --- one card per page --------------------------------------------------------------------
function pageCard(file, index) {
  const li = document.createElement('li');
  li.className = 'page';
  const head = document.createElement('h3');
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = `${index + 1}. ${file.name}`;
  const state = document.createElement('span');
  state.className = 'state';
  head.append(name, state);
  const error = document.createElement('p');
  error.className = 'page-error';
  error.hidden = true;
  li.append(head, error);
  const card = {
    li,
    file,
    url: URL.createObjectURL(file),
    done: false,
    set(stateName, text) {
      li.dataset.state = stateName;
      state.textContent = text;
    },
    fail(message) {
      card.done = true;
      card.set('error', 'error');
      error.textContent = message;
      error.hidden = false;
    },
    show(page) {
      card.done = true;
      card.page = page;
      const lines = page.blocks.reduce((n, b) => n + b.lines.length, 0);
      card.set('done', `done · ${page.blocks.length} blocks, ${lines} lines`);
      li.append(drawPage(page, card.url));
    },
  };
  card.set('waiting', 'waiting');
  return card;
}

// --- a run: read, split, submit, poll -------------------------------------------------------
function status(text) {
  $('job-status').textContent = text;
}

function progress(cards) {
  const done = cards.filter((c) => c.done).length;
  $('progress').max = cards.length;
  $('progress').value = done;
  return done;
}

async function runJob(job, cards, common) {
  const mine = cards.slice(job.offset, job.offset + job.pages.length);
  const final = await api.runJob(
    { ...common, type: 'process_batch', stream: true, images: job.pages.map(({ name, data }) => ({ name, data })) },
    {
      onStatus: (s) => {
        const label = s.status === 'IN_QUEUE' ? 'queued' : s.status === 'IN_PROGRESS' ? 'processing…' : null;
        if (label) for (const c of mine) if (!c.done) c.set('working', label);
        const n = progress(cards);
        if (label) status(`${n} of ${cards.length} pages done.`);
      },
      onChunk: (chunk) => {
        const card = Number.isInteger(chunk?.page_index) ? mine[chunk.page_index] : undefined;
        if (!card || card.done) return; // the last chunk is the whole result, handled below
        if (chunk.error) card.fail(plain(chunk.error.code, chunk.error.message));
        else if (chunk.page) card.show(chunk.page);
        progress(cards);
      },
      onRetry: (n) => status(`Connection lost; retrying (${n})…`),
    },
  );
  if (final.status !== 'COMPLETED') {
    const why = final.error ? plain(final.output?.code, final.error) : `The job ended as ${final.status}.`;
    for (const c of mine) if (!c.done) c.fail(why);
    return null;
  }
  // Safety net when a page's chunk was missed: the document keeps good pages in request order.
  const { mokuro, errors } = final.output;
  const failed = new Map(errors.map((e) => [e.page_index, e]));
  let k = 0;
  mine.forEach((card, i) => {
    const err = failed.get(i);
    const page = err ? undefined : mokuro.pages[k++];
    if (card.done) return;
    if (err) card.fail(plain(err.code, err.message));
    else card.show(page);
  });
  return final.output;
}

async function run() {
  busy = true;
  result = null;
  $('submit').disabled = true;
  $('download-mokuro').disabled = true;
  $('download-zip').disabled = true;
  for (const old of $('pages').querySelectorAll('img')) URL.revokeObjectURL(old.src);
  const cards = chosen.map(pageCard);
  $('pages').replaceChildren(...cards.map((c) => c.li));
  $('job').hidden = false;
  progress(cards);
  const started = performance.now();
  try {
    status('Reading pages…');
    const encoded = await Promise.all(chosen.map(async (f) => ({ name: f.name, data: await readAsDataUrl(f) })));
    const jobs = splitIntoJobs(encoded);
    const title = $('title').value.trim();
    // Several jobs make one volume: they share its uuids, and their documents are joined below.
    const common = {
      ...(title ? { title } : {}),
      ...(jobs.length > 1 ? { title_uuid: uuid4(), volume_uuid: uuid4() } : {}),
      ...($('greedy').checked ? { options: { decoding: 'greedy' } } : {}),
    };
    status('Sending pages…');
    const outputs = [];
    for (const job of jobs) outputs.push(await runJob(job, cards, common));
    finish(outputs.filter(Boolean), cards, performance.now() - started);
  } catch (err) {
    for (const c of cards) if (!c.done) c.fail(err.message);
    status(err instanceof ApiError ? err.message : `Something went wrong: ${err.message}`);
  } finally {
    busy = false;
    $('submit').disabled = chosen.length === 0;
  }
}

function finish(outputs, cards, ms) {
  progress(cards);
  const failed = cards.filter((c) => c.li.dataset.state === 'error').length;
  if (outputs.length === 0) {
    status(`No page could be processed${failed ? ' (see the errors below)' : ''}.`);
    return;
  }
  const doc = { ...outputs[0].mokuro, pages: outputs.flatMap((o) => o.mokuro.pages) };
  const files = new Map(cards.filter((c) => c.page).map((c) => [c.page.img_path, c.file]));
  result = { doc, files };
  const lines = outputs.reduce((n, o) => n + o.stats.lines, 0);
  let text = `Done: ${doc.pages.length} page${doc.pages.length === 1 ? '' : 's'}, ${lines} lines in ${(ms / 1000).toFixed(1)} s.`;
  if (failed) text += ` ${failed} page${failed === 1 ? '' : 's'} could not be processed (see below).`;
  if (outputs.some((o) => o.stats.models === 'stand-in')) {
    text += ' This server runs stand-in models: the boxes follow the ink, but the text is not real OCR.';
  }
  status(text);
  $('download-mokuro').disabled = false;
  $('download-zip').disabled = false;
}

$('submit-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!busy && chosen.length) run();
});

// --- downloads --------------------------------------------------------------------------------
const fileName = (s) => s.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || 'Untitled';

function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

$('download-mokuro').addEventListener('click', () => {
  if (!result) return;
  save(new Blob([JSON.stringify(result.doc)], { type: 'application/json' }), `${fileName(result.doc.volume)}.mokuro`);
});

// Mokuro's layout: <volume>.mokuro beside a <volume>/ folder holding the images by img_path.
$('download-zip').addEventListener('click', async () => {
  if (!result) return;
  const volume = fileName(result.doc.volume);
  const images = result.doc.pages
    .filter((p) => result.files.has(p.img_path))
    .map((p) => ({ name: `${volume}/${p.img_path}`, data: result.files.get(p.img_path) }));
  save(await zipStore([{ name: `${volume}.mokuro`, data: JSON.stringify(result.doc) }, ...images]), `${volume}.zip`);
});
