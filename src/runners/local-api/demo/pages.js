// Turning chosen files into job inputs: which files are pages, their reading order, base64, and
// how they are split into requests that fit the server's body limit.

// Base64 characters per /run body: under RunPod's 10 MB /run limit and our 20 MB default, so a
// volume of any size goes through as several jobs sharing one volume uuid.
const MAX_JOB_CHARS = 8_000_000;
const IMAGE_NAME = /\.(jpe?g|png|webp|avif|gif)$/i;

/** Mokuro orders pages by natural sort of their paths (p2 before p10). */
const natural = new Intl.Collator(undefined, { numeric: true }).compare;

/** Splits dropped or picked files into pages (in reading order) and the names of files skipped. */
export function choosePages(fileList) {
  const pages = [];
  const skipped = [];
  for (const file of fileList) {
    if (file.type.startsWith('image/') || IMAGE_NAME.test(file.name)) pages.push(file);
    else skipped.push(file.name);
  }
  pages.sort((a, b) => natural(a.name, b.name));
  return { pages, skipped };
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
