import { MOKURO_FORMAT_VERSION, type MokuroBlock, type MokuroPage, type MokuroVolume } from '../contract/mokuro.ts';
import { titleUuidOf, volumeUuidOf } from './uuid5.ts';

export interface VolumeFields {
  title?: string;
  volume?: string;
  title_uuid?: string;
  volume_uuid?: string;
}

const DEFAULT_TITLE = 'Untitled';

/**
 * Title and volume as a reader groups them: a given title names the volume too when no volume
 * name is given (seed clients send only `title`). Uuids the client passes win; otherwise they are
 * derived from the names (uuid5, uuid5.ts), so separate jobs of one title group together in the
 * readers (reader.mokuro.app groups by `title_uuid`) and processing a volume again does not import
 * a second copy. Mokuro itself draws uuid4s and keeps them in the title folder's `.mokuro` files.
 */
export function volumeIdentity(fields: VolumeFields) {
  const title = fields.title?.trim() || fields.volume?.trim() || DEFAULT_TITLE;
  const volume = fields.volume?.trim() || title;
  return {
    title,
    title_uuid: fields.title_uuid ?? titleUuidOf(title),
    volume,
    volume_uuid: fields.volume_uuid ?? volumeUuidOf(title, volume),
  };
}

/** A page object with Mokuro's key order (kha-white/mokuro mokuro/manga_page_ocr.py `__call__`). */
export function mokuroPage(img_path: string, width: number, height: number, blocks: MokuroBlock[]): MokuroPage {
  return { version: MOKURO_FORMAT_VERSION, img_width: width, img_height: height, blocks, img_path };
}

/** The volume document with Mokuro's key order (kha-white/mokuro mokuro/mokuro_generator.py); pages stay in request order. */
export function mokuroVolume(fields: VolumeFields, pages: MokuroPage[]): MokuroVolume {
  const id = volumeIdentity(fields);
  return {
    version: MOKURO_FORMAT_VERSION,
    title: id.title,
    title_uuid: id.title_uuid,
    volume: id.volume,
    volume_uuid: id.volume_uuid,
    pages,
  };
}

/**
 * Readers match pages to images by `img_path`, so two pages must not share one. A repeated name
 * gets ` (2)`, ` (3)`, … before its extension instead of silently hiding a page.
 */
export function uniquePaths(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  return paths.map((p) => {
    let candidate = p;
    const dot = p.lastIndexOf('.');
    const hasExt = dot > p.lastIndexOf('/') + 1;
    const [stem, ext] = hasExt ? [p.slice(0, dot), p.slice(dot)] : [p, ''];
    for (let n = 2; seen.has(candidate); n++) candidate = `${stem} (${n})${ext}`;
    seen.add(candidate);
    return candidate;
  });
}
