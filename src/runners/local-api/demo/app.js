// The demo page's wiring: choose pages, send them as jobs, show each page's progress and result,
// offer the downloads. Plain browser JS served as-is (no build step).
import { ApiError, createApi } from './api.js';
import { pageCard } from './card.js';
import { archivePages, choosePages, readAsDataUrl, splitIntoJobs, uuid4 } from './pages.js';
import { readZip } from './unzip.js';
import { zipStore } from './zip.js';

const $ = (id) => document.getElementById(id);

/** What each error code means, in plain words; the server's own message follows in brackets. */
const PLAIN = {
  IMAGE_DECODE: 'This file could not be read as an image.',
  PAGE_TOO_LARGE: 'This page file is too large for the server.',
  TOO_MANY_PIXELS: 'This page has too many pixels for the server.',
  PAGE_SIDE_TOO_LONG: 'This page is too tall or too wide for the server.',
  TOO_MANY_PAGES: 'Too many pages for one job on this server.',
  REQUEST_TOO_LARGE: 'Too much page data for one job on this server.',
  ARCHIVE_TOO_LARGE: 'This archive is too large for the server.',
  NO_PAGES: 'No readable page was sent.',
  MODEL_LOAD: 'The server could not load its OCR models.',
  NOT_READY: 'The server is still loading its models. Try again in a moment.',
  INFERENCE: 'Reading the text of this page failed.',
  ABORTED: 'The job was cancelled.',
  INTERNAL: 'The server had an internal problem.',
  INVALID_INPUT: 'The server did not accept the request.',
};
const plain = (code, message) => (PLAIN[code] ? `${PLAIN[code]} (${message})` : message);

let chosen = null; // { sources: [{ name, open }], archive?: File } — what "Process pages" sends
let busy = false;
let cards = [];
let result = null; // { doc, cards } once a run has finished

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
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function chooseArchive(file) {
  // Listed here only to show the pages; the worker reads the archive itself, in the same order.
  const all = await readZip(file).catch((err) => {
    throw new Error(`${file.name} could not be opened: ${err.message}.`);
  });
  const entries = archivePages(file.name, all);
  if (entries.length === 0) throw new Error(`${file.name} holds no JPEG, PNG, WebP, AVIF or GIF pages.`);
  return { sources: entries, archive: file };
}

async function choose(fileList) {
  if (busy) return;
  const { pages, archives, skipped } = choosePages(fileList);
  let text;
  chosen = null;
  try {
    if (archives.length > 1 || (archives.length === 1 && pages.length > 0)) {
      throw new Error('Choose one CBZ, or page images — not both at once.');
    }
    if (archives.length === 1) {
      chosen = await chooseArchive(archives[0]);
      text = `${archives[0].name}: ${plural(chosen.sources.length, 'page')}`;
    } else if (pages.length > 0) {
      chosen = { sources: pages.map((f) => ({ name: f.name, open: async () => f })) };
      text = `${plural(pages.length, 'page')}: ${pages.map((f) => f.name).join(', ')}`;
    } else {
      text = 'No pages chosen yet.';
    }
  } catch (err) {
    text = err.message;
  }
  if (skipped.length) text += ` — skipped (not images): ${skipped.join(', ')}`;
  $('chosen').textContent = text;
  $('submit').disabled = !chosen;
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

// --- a run: read, split, submit, poll -------------------------------------------------------
function status(text) {
  $('job-status').textContent = text;
}

function progress() {
  const done = cards.filter((c) => c.done).length;
  $('progress').max = cards.length;
  $('progress').value = done;
  return done;
}

/**
 * Runs one job over the cards `mine` (its pages, in request order). A result is matched to its card
 * by img_path (an archive's entry path), else by position (images keep the request order).
 */
async function runJob(input, mine) {
  const shown = [];
  const cardFor = (path, index) => mine.find((c) => !c.done && c.name === path) ?? (mine[index]?.done ? undefined : mine[index]);
  const final = await api.runJob(input, {
    onStatus: (s) => {
      const label = s.status === 'IN_QUEUE' ? 'queued' : s.status === 'IN_PROGRESS' ? 'processing…' : null;
      if (label) for (const c of mine) if (!c.done) c.set('working', label);
      const n = progress();
      if (label) status(`${n} of ${plural(cards.length, 'page')} done.`);
    },
    onChunk: (chunk) => {
      if (!Number.isInteger(chunk?.page_index)) return; // the last chunk is the whole result, handled below
      const card = cardFor(chunk.page?.img_path ?? chunk.error?.img_path, chunk.page_index);
      if (chunk.error) card?.fail(plain(chunk.error.code, chunk.error.message));
      else if (chunk.page) shown.push(card?.show(chunk.page));
      progress();
    },
    onRetry: (n) => status(`Connection lost; retrying (${n})…`),
  });
  if (final.status !== 'COMPLETED') {
    const why = final.error ? plain(final.output?.code, final.error) : `The job ended as ${final.status}.`;
    for (const c of mine) if (!c.done) c.fail(why);
    return null;
  }
  // Safety net for chunks missed: the document keeps the good pages in request order.
  const { mokuro, errors } = final.output;
  const failed = new Set(errors.map((e) => e.page_index));
  for (const e of errors) cardFor(e.img_path, e.page_index)?.fail(plain(e.code, e.message));
  let index = 0;
  for (const page of mokuro.pages) {
    while (failed.has(index)) index++;
    const card = cardFor(page.img_path, index++);
    if (card) shown.push(card.show(page));
  }
  for (const c of mine) if (!c.done) c.fail('The worker returned no result for this page.');
  await Promise.all(shown);
  return final.output;
}

/** Images go as base64 pages, split into jobs that fit a request; a CBZ goes whole as `archive`. */
async function sendAll(common) {
  if (chosen.archive) {
    const dataUrl = await readAsDataUrl(chosen.archive);
    const data = dataUrl.slice(dataUrl.indexOf(',') + 1);
    const input = { ...common, type: 'process_batch', stream: true, archive: { name: chosen.archive.name, data } };
    return [await runJob(input, cards)];
  }
  const files = await Promise.all(chosen.sources.map((s) => s.open()));
  const encoded = await Promise.all(files.map(async (f) => ({ name: f.name, data: await readAsDataUrl(f) })));
  const jobs = splitIntoJobs(encoded);
  // Several jobs make one volume: they share its uuids, and their documents are joined in finish().
  if (jobs.length > 1) Object.assign(common, { title_uuid: uuid4(), volume_uuid: uuid4() });
  const outputs = [];
  for (const job of jobs) {
    const input = { ...common, type: 'process_batch', stream: true, images: job.pages };
    outputs.push(await runJob(input, cards.slice(job.offset, job.offset + job.pages.length)));
  }
  return outputs;
}

async function run() {
  busy = true;
  result = null;
  $('submit').disabled = true;
  $('download-mokuro').disabled = true;
  $('download-zip').disabled = true;
  for (const c of cards) c.dispose();
  cards = chosen.sources.map(pageCard);
  $('pages').replaceChildren(...cards.map((c) => c.li));
  $('job').hidden = false;
  progress();
  const started = performance.now();
  try {
    status('Reading pages…');
    const title = $('title').value.trim();
    const common = {
      ...(title ? { title } : {}),
      ...($('greedy').checked ? { options: { decoding: 'greedy' } } : {}),
    };
    const outputs = await sendAll(common);
    finish(outputs.filter(Boolean), performance.now() - started);
  } catch (err) {
    const message = err instanceof ApiError && err.status === 413 && chosen.archive
      ? 'This CBZ is too large for one request to this server. Unpack it and choose its pages instead.'
      : err.message;
    for (const c of cards) if (!c.done) c.fail(message);
    status(err instanceof ApiError ? message : `Something went wrong: ${message}`);
  } finally {
    busy = false;
    $('submit').disabled = !chosen;
  }
}

function finish(outputs, ms) {
  progress();
  const failed = cards.filter((c) => c.li.dataset.state === 'error').length;
  if (outputs.length === 0) {
    status(`No page could be processed${failed ? ' (see the errors below)' : ''}.`);
    return;
  }
  const doc = { ...outputs[0].mokuro, pages: outputs.flatMap((o) => o.mokuro.pages) };
  result = { doc, cards: cards.filter((c) => c.page) };
  const lines = outputs.reduce((n, o) => n + o.stats.lines, 0);
  let text = `Done: ${plural(doc.pages.length, 'page')}, ${lines} lines in ${(ms / 1000).toFixed(1)} s.`;
  if (failed) text += ` ${plural(failed, 'page')} could not be processed (see below).`;
  if (outputs.some((o) => o.stats.models === 'stand-in')) {
    text += ' This server runs stand-in models: the boxes follow the ink, but the text is not real OCR.';
  } else if (outputs.some((o) => o.stats.models === 'unverified')) {
    text += ' This server runs models that are not the pinned ones (MODELS_VERIFY=off).';
  }
  status(text);
  $('download-mokuro').disabled = false;
  $('download-zip').disabled = false;
}

$('submit-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!busy && chosen) run();
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
  const images = await Promise.all(result.cards.map(async (c) => ({ name: `${volume}/${c.page.img_path}`, data: await c.open() })));
  save(await zipStore([{ name: `${volume}.mokuro`, data: JSON.stringify(result.doc) }, ...images]), `${volume}.zip`);
});
