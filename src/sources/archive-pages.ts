import { WorkerError } from '../errors.ts';
import { sanitisePageName } from '../image/page-name.ts';
import { naturalSorted } from './natural-sort.ts';
import type { ArchiveEntry } from './read-archive.ts';

export interface ArchiveLimits {
  maxEntries: number;
  /** sum of the page entries' declared sizes */
  maxUncompressedBytes: number;
  /** declared size / compressed size of one entry */
  maxRatio: number;
}

export interface ArchivePage {
  entry: ArchiveEntry;
  /** the page's `img_path`: the entry path made safe, relative to the volume root */
  imgPath: string;
}

/** Mokuro's page suffixes (kha-white/mokuro mokuro/volume.py `get_img_paths`, lower-cased) plus GIF, which we also decode. */
const PAGE_SUFFIXES = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif'];

/** Below this size an entry cannot hurt, whatever its ratio (a blank page compresses well). */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/** Files archivers and file browsers leave behind: macOS resource forks, Windows thumbnails. */
function isJunk(path: string): boolean {
  const segments = path.split('/');
  const base = segments.at(-1)!.toLowerCase();
  return segments.includes('__MACOSX') || base.startsWith('._') || base === 'thumbs.db' || base === '.ds_store' || base === 'desktop.ini';
}

function isPage(path: string): boolean {
  const lower = path.toLowerCase();
  return PAGE_SUFFIXES.some((s) => lower.endsWith(s));
}

/**
 * The pages of an archive in reading order: image entries only, junk skipped, names made safe
 * (`../evil.jpg` → `evil.jpg`), natural-sorted as Mokuro does. When every page sits in one folder named
 * like the volume (`Vol 01.cbz` holding `Vol 01/…`), that folder is dropped from the paths, as Mokuro
 * flattens it on unzipping (kha-white/mokuro mokuro/utils.py `unzip`). Size caps are checked on
 * declared sizes, before anything is inflated.
 */
export function selectArchivePages(entries: readonly ArchiveEntry[], volume: string | undefined, limits: ArchiveLimits): { pages: ArchivePage[]; skipped: string[] } {
  const skipped: string[] = [];
  let pages: ArchivePage[] = [];
  for (const entry of entries) {
    const imgPath = sanitisePageName(entry.name);
    if (!imgPath || isJunk(imgPath) || !isPage(imgPath)) skipped.push(entry.name);
    else pages.push({ entry, imgPath });
  }
  const folder = volume && `${volume}/`;
  if (folder && pages.length > 0 && pages.every((p) => p.imgPath.startsWith(folder))) {
    pages = pages.map((p) => ({ ...p, imgPath: p.imgPath.slice(folder.length) }));
  }

  let total = 0;
  for (const { entry } of pages) {
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize >= RATIO_CHECK_MIN_BYTES && ratio > limits.maxRatio) {
      throw new WorkerError(
        'ARCHIVE_TOO_LARGE',
        `entry "${entry.name}" would expand ${Math.round(ratio)}× (${entry.compressedSize} → ${entry.uncompressedSize} bytes), over the limit of ${limits.maxRatio}×: refusing a possible zip bomb`,
        { path: 'archive' },
      );
    }
  }
  if (total > limits.maxUncompressedBytes) {
    throw new WorkerError('ARCHIVE_TOO_LARGE', `the pages would expand to ${total} bytes, over the limit of ${limits.maxUncompressedBytes} bytes per archive`, { path: 'archive' });
  }
  if (pages.length === 0) {
    throw new WorkerError('NO_PAGES', `no ${PAGE_SUFFIXES.join('/')} pages in the archive (${skipped.length} entries skipped)`, { path: 'archive' });
  }
  return { pages: naturalSorted(pages, (p) => p.imgPath), skipped };
}
