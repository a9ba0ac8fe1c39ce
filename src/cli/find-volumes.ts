import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { naturalSorted } from '../sources/natural-sort.ts';

/**
 * Volumes found the way Mokuro 0.2.5 finds them (kha-white/mokuro `mokuro/run.py` `run`,
 * `mokuro/volume.py` `get_path_mokuro`, `Volume`, `VolumeCollection`):
 * - a volume is a folder of images or a `.zip`/`.cbz` file (suffix in any case);
 * - its document is a sibling: `parent/<folder name>.mokuro`, `parent/<archive stem>.mokuro`;
 * - the title is the folder holding that document, and is named after it;
 * - `--parent-dir` adds every child folder (but `_ocr`, the cache) and every `.zip`/`.cbz` file;
 * - a folder and an archive that map to the same `.mokuro` are one volume, the folder preferred
 *   (then `.cbz`, then `.zip`);
 * - volumes run in natural order of their paths.
 */
export type VolumeStatus = 'unprocessed' | 'partially processed' | 'already processed';

export interface VolumeEntry {
  /** the folder or archive the pages are read from (the preferred one when several map here) */
  pathIn: string;
  /** where the document is written */
  pathMokuro: string;
  /** the volume's name: the document's stem */
  volume: string;
  /** the folder that holds the document, and its name */
  titleDir: string;
  title: string;
  /** Mokuro's per-page cache: `<title dir>/_ocr/<volume>/` */
  cacheDir: string;
  status: VolumeStatus;
}

export class VolumeDiscoveryError extends Error {}

const ARCHIVE = /\.(zip|cbz)$/i;
const PREFERENCE = ['', '.cbz', '.zip'];

const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const isFile = (p: string) => statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
/** Python's `Path.suffix`: the last dot's part, none for a leading dot (`.cbz` has no suffix) */
const suffixOf = (p: string) => path.extname(p);
/** Python's `Path.stem`: the name without its last suffix */
const stemOf = (p: string) => path.basename(p, suffixOf(p));
const formatOf = (p: string) => (isDir(p) ? '' : suffixOf(p).toLowerCase());

/** Mokuro's `get_path_mokuro`; undefined for a path that is neither a folder nor an archive. */
export function mokuroPathOf(pathIn: string): string | undefined {
  if (isDir(pathIn)) return path.join(path.dirname(pathIn), `${path.basename(pathIn)}.mokuro`);
  if (isFile(pathIn) && ARCHIVE.test(suffixOf(pathIn))) return path.join(path.dirname(pathIn), `${stemOf(pathIn)}.mokuro`);
  return undefined;
}

/** The volumes named by `paths` and found in `parentDir`, relative paths taken from `cwd`. */
export function findVolumes(paths: readonly string[], parentDir: string | undefined, cwd: string): VolumeEntry[] {
  const inputs: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!existsSync(abs)) throw new VolumeDiscoveryError(`no such file or folder: ${abs}`);
    if (!mokuroPathOf(abs)) throw new VolumeDiscoveryError(`not a volume (a folder of images, a .zip or a .cbz): ${abs}`);
    inputs.push(abs);
  }
  if (parentDir !== undefined) {
    const parent = path.resolve(cwd, parentDir);
    if (!isDir(parent)) throw new VolumeDiscoveryError(`--parent-dir: not a folder: ${parent}`);
    for (const name of readdirSync(parent)) {
      const p = path.join(parent, name);
      if ((isDir(p) && stemOf(p) !== '_ocr') || (isFile(p) && ARCHIVE.test(suffixOf(p)))) inputs.push(p);
    }
  }

  const byMokuro = new Map<string, string[]>();
  for (const p of inputs) {
    const key = mokuroPathOf(p)!;
    const list = byMokuro.get(key) ?? [];
    if (!list.includes(p)) list.push(p);
    byMokuro.set(key, list);
  }
  const volumes = [...byMokuro].map(([pathMokuro, ins]): VolumeEntry => {
    const pathIn = ins.reduce((a, b) => (PREFERENCE.indexOf(formatOf(b)) < PREFERENCE.indexOf(formatOf(a)) ? b : a));
    const titleDir = path.dirname(pathMokuro);
    const volume = stemOf(pathMokuro);
    const cacheDir = path.join(titleDir, '_ocr', volume);
    const status: VolumeStatus = isFile(pathMokuro) ? 'already processed' : isDir(cacheDir) ? 'partially processed' : 'unprocessed';
    return { pathIn, pathMokuro, volume, titleDir, title: path.basename(titleDir), cacheDir, status };
  });
  return naturalSorted(volumes, (v) => v.pathIn);
}
