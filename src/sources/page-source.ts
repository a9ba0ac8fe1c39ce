import type { PageRef } from '../contract/input.ts';
import { checkPageBytes, decodePage, decodePageBytes, pageNameHint, type DecodedPage, type PageLimits } from '../image/decode-page.ts';
import { pageNumberName, sanitisePageName } from '../image/page-name.ts';
import { fetchBytes, type HttpClient } from '../net/guarded-request.ts';
import { fileNameOfUrl } from './archive-name.ts';
import type { ArchivePage } from './archive-pages.ts';
import type { Archive } from './read-archive.ts';

/**
 * The pages of one job, wherever they come from (inline base64, URLs, an archive), as the page
 * loop sees them: a count, names for error reports, and `load(i)` giving the decoded page.
 */
export interface PageSource {
  readonly count: number;
  /** the input field that holds the pages, for job-wide errors: `images`, `image`, `archive` */
  readonly field: string;
  /** where page i is in the input, for its errors: `images[3]`, `archive: entry "p1.jpg"` */
  pathOf(i: number): string;
  /** page i's img_path as known before decoding it */
  nameHint(i: number): string;
  load(i: number, limits: PageLimits): Promise<DecodedPage>;
  /** stops downloads still running (the job ended or failed) */
  close(): void;
}

export interface InlineSourceDeps {
  client: HttpClient;
  /** URL pages fetched ahead of the page being decoded, so downloads overlap with inference */
  fetchAhead: number;
  /** a URL page's download is cut off past this many bytes */
  maxPageBytes: number;
  signal?: AbortSignal;
}

const isUrlPage = (p: PageRef): p is { url: string; name?: string } => typeof p !== 'string' && 'url' in p;

/** `images` (or the single `image`): base64 pages decoded in place, URL pages fetched ahead. */
export function inlinePageSource(pages: readonly PageRef[], field: 'images' | 'image', deps: InlineSourceDeps): PageSource {
  const stop = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  const pathOf = (i: number) => (field === 'images' ? `images[${i}]` : 'image');
  const urlName = (p: { url: string; name?: string }) => p.name ?? fileNameOfUrl(p.url);
  const fetched = new Map<number, Promise<Buffer>>();

  const startFetch = (i: number) => {
    const page = pages[i];
    if (i >= pages.length || fetched.has(i) || !isUrlPage(page)) return;
    const bytes = fetchBytes(deps.client, page.url, { maxBytes: deps.maxPageBytes, tooLarge: 'PAGE_TOO_LARGE', path: `${pathOf(i)}.url`, signal });
    bytes.catch(() => {}); // awaited by load(i) later; until then a failure must not go unhandled
    fetched.set(i, bytes);
  };

  return {
    count: pages.length,
    field,
    pathOf,
    nameHint(i) {
      const page = pages[i];
      if (!isUrlPage(page)) return pageNameHint(page, i);
      const name = urlName(page);
      return (name && sanitisePageName(name)) ?? pageNumberName(i);
    },
    async load(i, limits) {
      for (let k = i; k <= i + deps.fetchAhead; k++) startFetch(k);
      const page = pages[i];
      if (!isUrlPage(page)) return decodePage(page, i, pathOf(i), limits);
      const bytes = await fetched.get(i)!;
      fetched.delete(i);
      return decodePageBytes(bytes, urlName(page), i, `${pathOf(i)}.url`, limits);
    },
    close: () => stop.abort(),
  };
}

/** The pages of an archive, inflated one at a time as the loop asks for them. */
export function archivePageSource(archive: Archive, pages: readonly ArchivePage[]): PageSource {
  const pathOf = (i: number) => `archive: entry "${pages[i].entry.name}"`;
  return {
    count: pages.length,
    field: 'archive',
    pathOf,
    nameHint: (i) => pages[i].imgPath,
    async load(i, limits) {
      const { entry, imgPath } = pages[i];
      // checked on the declared size, before inflating; yauzl holds the entry to that size
      checkPageBytes(entry.uncompressedSize, limits, pathOf(i));
      return decodePageBytes(await archive.read(entry, pathOf(i)), imgPath, i, pathOf(i), limits);
    },
    close: () => {},
  };
}
