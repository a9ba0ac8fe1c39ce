import yauzl from 'yauzl';
import { WorkerError } from '../errors.ts';

/** One file of a ZIP/CBZ as its central directory describes it; nothing is inflated yet. */
export interface ArchiveEntry {
  /** the entry's name as stored (UTF-8 flag, Info-ZIP unicode path or CP437), not yet made safe */
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  /** yauzl's handle, for reading */
  raw: yauzl.Entry;
}

export interface Archive {
  /** every file entry (directories left out), in stored order */
  entries: ArchiveEntry[];
  /** one entry's bytes, inflated in memory; `path` names the entry in errors */
  read(entry: ArchiveEntry, path: string): Promise<Buffer>;
  /** lets go of the file (an archive opened from disk); nothing to do for one in memory */
  close(): void;
}

/**
 * Opens a ZIP/CBZ held in memory: archive paths are never written to disk. The entry count is
 * checked against `maxEntries` before the central directory is walked, so an archive claiming
 * millions of entries costs nothing. yauzl checks while inflating that an entry yields exactly
 * the size its header declares, which is what makes the size caps of the caller hold.
 */
export async function openArchive(bytes: Buffer, maxEntries: number): Promise<Archive> {
  return fromZip(() => yauzl.fromBufferPromise(bytes, ZIP_OPTIONS), maxEntries);
}

/**
 * Opens a ZIP/CBZ on disk (the `ocr` command): only the central directory is read now, each entry
 * when asked for, so a whole volume is never held in memory. `close()` releases the file.
 */
export async function openArchiveFile(file: string, maxEntries: number): Promise<Archive> {
  return fromZip(() => yauzl.openPromise(file, { ...ZIP_OPTIONS, autoClose: false }), maxEntries);
}

// decodeStrings off: yauzl would refuse the whole archive over one `../x.jpg` entry, while we
// want to keep that page under a safe name; names are decoded below the way yauzl does it.
const ZIP_OPTIONS = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true } as const;

async function fromZip(open: () => Promise<yauzl.ZipFile>, maxEntries: number): Promise<Archive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await open();
  } catch (cause) {
    throw new WorkerError('ARCHIVE', `not a ZIP/CBZ archive (${(cause as Error).message})`, { path: 'archive', cause });
  }
  if (zip.entryCount > maxEntries) {
    zip.close();
    throw new WorkerError('ARCHIVE_TOO_LARGE', `${zip.entryCount} entries is over the limit of ${maxEntries} entries per archive`, { path: 'archive' });
  }
  const entries = await listEntries(zip);
  return {
    entries,
    async read(entry, path) {
      if (entry.encrypted) throw new WorkerError('ARCHIVE', 'the entry is encrypted', { path });
      try {
        const stream = await zip.openReadStreamPromise(entry.raw);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      } catch (cause) {
        throw new WorkerError('ARCHIVE', `the entry is corrupt (${(cause as Error).message})`, { path, cause });
      }
    },
    close: () => zip.close(),
  };
}

function listEntries(zip: yauzl.ZipFile): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: ArchiveEntry[] = [];
    zip.on('entry', (raw: yauzl.Entry) => {
      const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields, false);
      if (!name.endsWith('/')) {
        entries.push({ name, compressedSize: raw.compressedSize, uncompressedSize: raw.uncompressedSize, encrypted: raw.isEncrypted(), raw });
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (cause: Error) =>
      reject(new WorkerError('ARCHIVE', `the archive is corrupt (${cause.message})`, { path: 'archive', cause })),
    );
    zip.readEntry();
  });
}
