/**
 * Title and volume of an archive the way Mokuro names them (kha-white/mokuro mokuro/volume.py
 * `get_path_mokuro`, `Volume.path_title`): the volume is the archive's stem (`Vol 01.cbz` → `Vol 01`),
 * the title is the folder that holds it (`My Manga/Vol 01.cbz` → `My Manga`). Mokuro only treats
 * `.zip`/`.cbz` (any case) as archives; Path.stem drops only the last suffix, so dots inside the name
 * survive.
 */
export interface ArchiveIdentity {
  title?: string;
  volume?: string;
}

const ARCHIVE_SUFFIX = /\.(cbz|zip)$/i;

export function identityFromArchiveName(name: string | undefined): ArchiveIdentity {
  const segments = (name ?? '').replace(/\\/g, '/').split('/').map((s) => s.trim()).filter((s) => s && s !== '.' && s !== '..');
  const file = segments.at(-1);
  if (!file) return {};
  const stem = file.replace(ARCHIVE_SUFFIX, '') || file;
  const parent = segments.at(-2);
  return parent ? { title: parent, volume: stem } : { volume: stem };
}

/**
 * The file name a URL points at, for naming pages and archives: its last path segment,
 * percent-decoded, without the query (presigned links carry their signature there).
 */
export function fileNameOfUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const last = pathname.split('/').filter(Boolean).at(-1);
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
