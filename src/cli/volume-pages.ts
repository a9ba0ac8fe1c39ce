import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { selectArchivePages } from '../sources/archive-pages.ts';
import { naturalSorted } from '../sources/natural-sort.ts';
import { openArchiveFile } from '../sources/read-archive.ts';
import type { ArchiveLimits } from '../sources/archive-pages.ts';

/**
 * The pages of one volume on disk, as Mokuro 0.2.5 lists them (kha-white/mokuro `mokuro/volume.py`
 * `get_img_paths`, `get_json_paths`): every file under the volume folder (subfolders too) whose
 * lower-cased suffix is `.jpg .jpeg .png .webp .avif`, keyed by its relative path without the suffix;
 * its cache file is `_ocr/<volume>/<that key>.json`. An archive's pages are its entries by the same
 * rule, with the one volume-named top folder dropped as Mokuro's unzip does (archive-pages.ts).
 * Two pages with one key (`p1.jpg`, `p1.png`) share a cache file in Mokuro, which keeps the later
 * in natural order; so do we, and say which page is hidden.
 */
export const MOKURO_PAGE_SUFFIXES = ['.jpg', '.jpeg', '.png', '.webp', '.avif'];

export interface VolumePage {
  /** relative to the volume root, forward slashes: the page's `img_path` */
  imgPath: string;
  /** the cache file relative to the volume's cache folder: `<img path without suffix>.json` */
  cachePath: string;
  /** bytes on disk (for packing requests) */
  size: number;
  read(): Promise<Buffer>;
}

export interface VolumePages {
  /** in the order of the document: natural order of the cache paths, as Mokuro assembles it */
  pages: VolumePage[];
  /** pages hidden by another with the same key */
  hidden: string[];
  /** releases an archive's file once the volume is done */
  close(): void;
}

const isPage = (name: string) => MOKURO_PAGE_SUFFIXES.includes(path.extname(name).toLowerCase());
const withoutSuffix = (p: string) => {
  const ext = path.posix.extname(p);
  return ext ? p.slice(0, -ext.length) : p;
};

/** The folder's page files, relative paths with forward slashes. */
function folderPages(root: string): VolumePage[] {
  const pages: VolumePage[] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    // Dirent.parentPath is Node ≥ 20.12; `path` (the same value) is what earlier 20.x releases have
    const full = path.join(entry.parentPath ?? (entry as { path?: string }).path ?? root, entry.name);
    const st = entry.isFile() || entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : undefined;
    if (!st?.isFile() || !isPage(entry.name)) continue;
    const imgPath = path.relative(root, full).split(path.sep).join('/');
    pages.push({ imgPath, cachePath: `${withoutSuffix(imgPath)}.json`, size: st.size, read: () => readFile(full) });
  }
  return pages;
}

/** An archive's pages, read from the file entry by entry (only its directory is read now). */
async function archivePages(file: string, volume: string, limits: ArchiveLimits): Promise<{ pages: VolumePage[]; close(): void }> {
  const archive = await openArchiveFile(file, limits.maxEntries);
  try {
    const { pages } = selectArchivePages(archive.entries, volume, limits);
    return {
      pages: pages
        .filter((p) => isPage(p.imgPath))
        .map((p) => ({
          imgPath: p.imgPath,
          cachePath: `${withoutSuffix(p.imgPath)}.json`,
          size: p.entry.uncompressedSize,
          read: () => archive.read(p.entry, `${path.basename(file)}: entry "${p.entry.name}"`),
        })),
      close: () => archive.close(),
    };
  } catch (err) {
    archive.close();
    throw err;
  }
}

export async function listVolumePages(pathIn: string, volume: string, limits: ArchiveLimits): Promise<VolumePages> {
  const { pages: found, close } = statSync(pathIn).isDirectory() ? { pages: folderPages(pathIn), close: () => {} } : await archivePages(pathIn, volume, limits);
  // Mokuro: {key: path} over the natural-sorted images, so the later of two same-key pages wins
  const byKey = new Map<string, VolumePage>();
  const hidden: string[] = [];
  for (const page of naturalSorted(found, (p) => p.imgPath)) {
    const before = byKey.get(page.cachePath);
    if (before) hidden.push(before.imgPath);
    byKey.set(page.cachePath, page);
  }
  return { pages: naturalSorted([...byKey.values()], (p) => p.cachePath), hidden, close };
}
