import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MOKURO_FORMAT_VERSION, MokuroPage, type MokuroVolume } from '../contract/mokuro.ts';
import type { VolumePage } from './volume-pages.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * Mokuro's per-page cache (kha-white/mokuro `mokuro/mokuro_generator.py` `process_volume`,
 * `generate_mokuro_file`): `<title dir>/_ocr/<volume>/<page path without suffix>.json` holds the
 * page object without `img_path`. A page whose file parses is done; Mokuro and this command read
 * and write the same files, so either can resume what the other started. The document is then
 * assembled from the cache alone, so a resumed run writes what an uninterrupted one would.
 */
export type CachedPage = Omit<MokuroPage, 'img_path'>;

const CachedPage = MokuroPage.omit({ img_path: true });

export interface OcrCache {
  readonly dir: string;
  /** the cached page, or undefined when missing or not a page object (then it is OCR'd again) */
  read(page: VolumePage): CachedPage | undefined;
  /** stores one page as soon as it is done, in Mokuro's key order */
  write(page: VolumePage, result: MokuroPage | CachedPage): void;
}

export function ocrCache(dir: string): OcrCache {
  const fileOf = (page: VolumePage) => path.join(dir, ...page.cachePath.split('/'));
  return {
    dir,
    read(page) {
      try {
        const parsed = CachedPage.safeParse(JSON.parse(readFileSync(fileOf(page), 'utf8')));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    write(page, result) {
      const file = fileOf(page);
      mkdirSync(path.dirname(file), { recursive: true });
      const { version, img_width, img_height, blocks } = result;
      writeFileAtomic(file, JSON.stringify({ version, img_width, img_height, blocks }));
    },
  };
}

/** The volume document from the cache, pages in the given order, `img_path` the page's path. */
export function assembleVolume(
  ids: { title: string; title_uuid: string; volume: string; volume_uuid: string },
  pages: readonly VolumePage[],
  cache: OcrCache,
): MokuroVolume {
  return {
    version: MOKURO_FORMAT_VERSION,
    title: ids.title,
    title_uuid: ids.title_uuid,
    volume: ids.volume,
    volume_uuid: ids.volume_uuid,
    pages: pages.map((p) => {
      const cached = cache.read(p);
      if (!cached) throw new Error(`page ${p.imgPath} is missing from the cache ${cache.dir}`);
      return { ...cached, img_path: p.imgPath };
    }),
  };
}
