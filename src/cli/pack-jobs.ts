/**
 * Pages packed into jobs whose JSON body stays under the request cap. A page travels as
 * `{"name": "...", "data": "<base64>"}`: base64 makes n bytes 4·⌈n/3⌉ characters, and the name,
 * the keys and the rest of the input add their JSON length. Jobs also hold at most `maxPages`
 * pages, so that one volume spreads over as many workers as run at once.
 */
export interface PackItem {
  /** the page's name as it is sent */
  name: string;
  /** the page's bytes */
  size: number;
}

/** JSON length of one page in the `images` array, with its comma. */
export function pageJsonBytes(item: PackItem): number {
  return Buffer.byteLength(JSON.stringify(item.name)) + 4 * Math.ceil(item.size / 3) + '{"name":,"data":""},'.length;
}

export class PageTooLargeError<T extends PackItem = PackItem> extends Error {
  constructor(readonly item: T, message: string) {
    super(message);
  }
}

/**
 * Groups items (in order) into consecutive jobs; `baseBytes` is the body without any page.
 * Throws PageTooLargeError naming the first page that cannot fit a request on its own.
 */
export function packJobs<T extends PackItem>(items: readonly T[], opts: { maxBytes: number; baseBytes: number; maxPages: number }): T[][] {
  const jobs: T[][] = [];
  let current: T[] = [];
  let bytes = opts.baseBytes;
  for (const item of items) {
    const size = pageJsonBytes(item);
    if (opts.baseBytes + size > opts.maxBytes) {
      throw new PageTooLargeError(item, `${item.name}: ${item.size} bytes make a ${opts.baseBytes + size}-byte request, over the cap of ${opts.maxBytes} bytes (--max-request-mb)`);
    }
    if (current.length > 0 && (bytes + size > opts.maxBytes || current.length >= opts.maxPages)) {
      jobs.push(current);
      current = [];
      bytes = opts.baseBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}
