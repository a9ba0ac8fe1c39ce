// Turning chosen files into job inputs: which files are pages, their reading order, base64, and
// how they are split into requests that fit the server's body limit.

// Base64 characters per /run body: under RunPod's 10 MB /run limit and our 20 MB default, so a
// volume of any size goes through as several jobs sharing one volume uuid.
export const MAX_JOB_CHARS = 8_000_000;
const IMAGE_NAME = /\.(jpe?g|png|webp|avif|gif)$/i;
const ARCHIVE_NAME = /\.(cbz|zip)$/i;

const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Mokuro's page order (natsort), as the worker sorts an archive: digit runs compared as numbers,
 * the rest by code point, so p2 comes before p10 whatever the locale; exact ties by code point.
 */
export function naturalCompare(a, b) {
  const x = a.split(/(\d+)/);
  const y = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = i % 2 === 1 ? Number(x[i]) - Number(y[i]) : order(x[i], y[i]); // odd parts are digits
    if (c) return c;
  }
  return x.length - y.length || order(a, b);
}

/** Archive entries that are not pages, as the worker skips them. */
function junk(path) {
  const segments = path.split('/');
  const base = segments.at(-1).toLowerCase();
  return segments.includes('__MACOSX') || base.startsWith('._') || ['thumbs.db', '.ds_store', 'desktop.ini'].includes(base);
}
export const isPageEntry = (path) => IMAGE_NAME.test(path) && !junk(path);

/**
 * An archive's pages as the worker names them: `Vol 01.cbz` holding only `Vol 01/…` is flattened
 * (Mokuro does so on unzipping), then natural order. `entries`: [{ name, open }].
 */
export function archivePages(archiveName, entries) {
  const folder = `${archiveName.replace(ARCHIVE_NAME, '')}/`;
  let pages = entries.filter((e) => isPageEntry(e.name));
  if (pages.length > 0 && pages.every((e) => e.name.startsWith(folder))) {
    pages = pages.map((e) => ({ ...e, name: e.name.slice(folder.length) }));
  }
  return pages.sort((a, b) => naturalCompare(a.name, b.name));
}

/**
 * Sorts dropped or picked files into pages (in reading order), archives, and the names of files
 * skipped. `kind` tells what to send: images, or one archive (a CBZ is a volume by itself).
 */
export function choosePages(fileList) {
  const pages = [];
  const archives = [];
  const skipped = [];
  for (const file of fileList) {
    if (ARCHIVE_NAME.test(file.name)) archives.push(file);
    else if (file.type.startsWith('image/') || IMAGE_NAME.test(file.name)) pages.push(file);
    else skipped.push(file.name);
  }
  pages.sort((a, b) => naturalCompare(a.name, b.name));
  return { pages, archives, skipped };
}

/** A data URL; the API accepts the `data:image/...;base64,` prefix as is. */
export function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error(`${file.name} could not be read from this device.`));
    reader.readAsDataURL(file);
  });
}

/** Groups consecutive pages into jobs under MAX_JOB_CHARS each (a bigger page goes alone). */
export function splitIntoJobs(encoded) {
  const jobs = [];
  let current = null;
  encoded.forEach((page, index) => {
    if (!current || (current.size + page.data.length > MAX_JOB_CHARS && current.pages.length > 0)) {
      current = { offset: index, size: 0, pages: [] };
      jobs.push(current);
    }
    current.pages.push(page);
    current.size += page.data.length;
  });
  return jobs;
}

/** crypto.randomUUID exists only in secure contexts; a LAN address over http is not one. */
export function uuid4() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
