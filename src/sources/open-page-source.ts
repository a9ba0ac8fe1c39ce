import type { ArchiveInput, PageRef } from '../contract/input.ts';
import { WorkerError } from '../errors.ts';
import { base64DecodedSize, decodeBase64 } from '../image/base64.ts';
import type { Logger } from '../logger.ts';
import { fetchBytes, type HttpClient } from '../net/guarded-request.ts';
import { fileNameOfUrl, identityFromArchiveName, type ArchiveIdentity } from './archive-name.ts';
import { selectArchivePages, type ArchiveLimits } from './archive-pages.ts';
import { archivePageSource, inlinePageSource, type PageSource } from './page-source.ts';
import { openArchive } from './read-archive.ts';

export interface SourceDeps {
  client: HttpClient;
  archive: ArchiveLimits & { /** the archive itself (compressed), inline or downloaded */ maxBytes: number };
  maxPageBytes: number;
  fetchAhead: number;
  log: Logger;
}

/** Where a job's pages are: exactly one of these (the input schema makes sure). */
export type PagesInput = { images: readonly PageRef[]; field: 'images' | 'image' } | { archive: ArchiveInput };

export interface OpenedSource {
  source: PageSource;
  /** title/volume defaults from the archive's name (kha-white/mokuro mokuro/volume.py); empty for images */
  identity: ArchiveIdentity;
}

/**
 * The job's page source. For an archive this downloads or decodes it and reads its central
 * directory now — so a bad archive fails the job before any page runs — while entries are
 * inflated only when the page loop reaches them.
 */
export async function openPageSource(input: PagesInput, deps: SourceDeps, signal?: AbortSignal): Promise<OpenedSource> {
  if ('images' in input) {
    const source = inlinePageSource(input.images, input.field, { client: deps.client, fetchAhead: deps.fetchAhead, maxPageBytes: deps.maxPageBytes, signal });
    return { source, identity: {} };
  }
  const { archive } = input;
  const limit = deps.archive.maxBytes;
  let bytes: Buffer;
  let name = archive.name;
  if ('data' in archive) {
    if (base64DecodedSize(archive.data) > limit) {
      throw new WorkerError('ARCHIVE_TOO_LARGE', `the archive is larger than the limit of ${limit} bytes`, { path: 'archive.data' });
    }
    const decoded = decodeBase64(archive.data);
    if (!decoded) throw new WorkerError('ARCHIVE', 'not valid base64 data', { path: 'archive.data' });
    bytes = decoded;
  } else {
    bytes = await fetchBytes(deps.client, archive.url, { maxBytes: limit, tooLarge: 'ARCHIVE_TOO_LARGE', path: 'archive.url', signal });
    name ??= fileNameOfUrl(archive.url);
  }
  const identity = identityFromArchiveName(name);
  const zip = await openArchive(bytes, deps.archive.maxEntries);
  const { pages, skipped } = selectArchivePages(zip.entries, identity.volume, deps.archive);
  deps.log.info({ bytes: bytes.length, entries: zip.entries.length, pages: pages.length, skipped: skipped.length }, 'archive opened');
  return { source: archivePageSource(zip, pages), identity };
}
