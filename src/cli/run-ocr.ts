import path from 'node:path';
import type { ArchiveLimits } from '../sources/archive-pages.ts';
import { VolumeDiscoveryError, findVolumes, type VolumeEntry } from './find-volumes.ts';
import type { OcrBackend } from './ocr-backend.ts';
import { assembleVolume, ocrCache } from './ocr-cache.ts';
import { createProgress } from './progress.ts';
import { listVolumePages } from './volume-pages.ts';
import { applyTitleUuid, titleUuidFor, volumeUuidFor } from './volume-uuids.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

export interface RunOptions {
  paths: readonly string[];
  parentDir?: string;
  /** relative paths are taken from here */
  cwd: string;
  /** OCR volumes again whose `.mokuro` exists, every page anew */
  force: boolean;
  /** start without asking */
  yes: boolean;
  /** made once, after the user said yes and only when there is work (local: loads the models) */
  backend: (hooks: { onRetry: (reason: string) => void }) => Promise<OcrBackend>;
  archiveLimits: ArchiveLimits;
  /** stdout */
  write: (text: string) => void;
  /** draw a progress bar (stdout is a terminal) */
  tty: boolean;
  /** asks "Continue?"; absent when nobody can answer (stdin is not a terminal) */
  confirm?: () => Promise<boolean>;
  signal?: AbortSignal;
  /** volumes in work at once: 2 for an endpoint (job slots stay busy between volumes), 1 in-process */
  volumesAtOnce?: number;
  /** told after every page, for tests that stop a run midway */
  onPage?: (pagesDone: number) => void;
}

export interface RunSummary {
  exitCode: number;
  written: string[];
  skipped: string[];
  failed: { volume: string; reason: string }[];
  pagesOcred: number;
  interrupted: boolean;
}

const MAX_LISTED_ERRORS = 3;

/**
 * The `ocr` command: finds volumes as Mokuro does, lists them with their status, asks, then OCRs
 * each volume's missing pages (through the backend), caching every page as it arrives, and writes
 * `<volume>.mokuro` beside the volume from the cache. A volume with a page that failed for good
 * gets no document (its other pages stay cached) and makes the exit code 1.
 */
export async function runOcr(opts: RunOptions): Promise<RunSummary> {
  const { write } = opts;
  const summary: RunSummary = { exitCode: 0, written: [], skipped: [], failed: [], pagesOcred: 0, interrupted: false };
  let volumes: VolumeEntry[];
  try {
    volumes = findVolumes(opts.paths, opts.parentDir, opts.cwd);
  } catch (err) {
    if (!(err instanceof VolumeDiscoveryError)) throw err;
    write(`error: ${err.message}\n`);
    return { ...summary, exitCode: 2 };
  }
  if (volumes.length === 0) {
    write('Found no volumes to process. Give volume folders, .zip/.cbz files, or --parent-dir.\n');
    return { ...summary, exitCode: 2 };
  }

  const toRun = volumes.filter((v) => opts.force || v.status !== 'already processed');
  write(`Found ${volumes.length} volume${volumes.length === 1 ? '' : 's'}:\n\n`);
  for (const v of volumes) {
    const skip = !toRun.includes(v) ? ' → skipped (--force to OCR it again)' : '';
    write(`  ${v.pathIn} (${v.status})${skip}\n`);
  }
  summary.skipped = volumes.filter((v) => !toRun.includes(v)).map((v) => v.pathMokuro);
  if (toRun.length === 0) {
    write('\nNothing to do.\n');
    return summary;
  }
  write(`\nEach of the paths above will be treated as one volume; its .mokuro is written beside it.\n`);
  if (!opts.yes) {
    if (!opts.confirm) {
      write('Not started: stdin is not a terminal, so nobody can confirm. Pass --yes to start without asking.\n');
      return { ...summary, exitCode: 2 };
    }
    if (!(await opts.confirm())) {
      write('Not started.\n');
      return summary;
    }
  }

  // Mokuro's title uuid rule, once per title folder, before any document is written
  const titleUuids = new Map<string, string>();
  for (const v of toRun) {
    if (titleUuids.has(v.titleDir)) continue;
    const t = titleUuidFor(v.titleDir, v.title);
    if (t.conflict) write(`warning: ${v.titleDir}: its .mokuro files hold ${t.conflict.length} title uuids; all get ${t.uuid}\n`);
    applyTitleUuid(t);
    titleUuids.set(v.titleDir, t.uuid);
  }

  // pages of every volume first, for the progress total (only an archive's directory is read)
  let total = 0;
  let cached = 0;
  for (const v of toRun) {
    try {
      const { pages, close } = await listVolumePages(v.pathIn, v.volume, opts.archiveLimits);
      close();
      const cache = ocrCache(v.cacheDir);
      total += pages.length;
      if (!opts.force) cached += pages.filter((p) => cache.read(p)).length;
    } catch {
      // reported when the volume's turn comes
    }
  }

  const progress = createProgress({ write, tty: opts.tty });
  progress.start(total, cached);
  const signal = opts.signal ?? new AbortController().signal;
  let backend: Promise<OcrBackend> | undefined;
  const backendOnce = () =>
    (backend ??= opts.backend({ onRetry: (reason) => progress.retry(reason) }).then((b) => {
      progress.clockFrom();
      return b;
    }));
  let pagesDone = cached;

  const runVolume = async (v: VolumeEntry) => {
    const label = path.basename(v.pathIn);
    const failures: string[] = [];
    let close = () => {};
    try {
      const listed = await listVolumePages(v.pathIn, v.volume, opts.archiveLimits);
      const { pages, hidden } = listed;
      close = listed.close;
      for (const h of hidden) progress.line(`warning: ${label}: ${h} is hidden by a page of the same name with another suffix (one cache file per name, as in Mokuro)`);
      if (pages.length === 0) throw new Error('no .jpg/.jpeg/.png/.webp/.avif pages');
      const cache = ocrCache(v.cacheDir);
      const missing = opts.force ? pages : pages.filter((p) => !cache.read(p));
      const ids = { title: v.title, title_uuid: titleUuids.get(v.titleDir)!, volume: v.volume, volume_uuid: volumeUuidFor(v.pathMokuro, v.title, v.volume) };
      progress.volumeStarted(label, pages.length, pages.length - missing.length);
      if (missing.length > 0) {
        await (await backendOnce()).run({ ...ids, pages: missing }, ({ page, result, error }) => {
          if (result) {
            cache.write(page, result);
            summary.pagesOcred++;
          } else {
            failures.push(`${page.imgPath}: ${error}`);
          }
          progress.page(Boolean(result));
          opts.onPage?.(++pagesDone);
        }, signal);
      }
      if (signal.aborted) return;
      if (failures.length > 0) throw new Error(`${failures.length} page(s) failed: ${failures.slice(0, MAX_LISTED_ERRORS).join('; ')}${failures.length > MAX_LISTED_ERRORS ? '; …' : ''}`);
      writeFileAtomic(v.pathMokuro, JSON.stringify(assembleVolume(ids, pages, cache)));
      summary.written.push(v.pathMokuro);
      progress.line(`wrote ${v.pathMokuro} (${pages.length} pages)`);
    } catch (err) {
      if (signal.aborted) return;
      summary.failed.push({ volume: v.pathIn, reason: (err as Error).message });
      progress.line(`FAILED ${v.pathIn}: ${(err as Error).message}`);
    } finally {
      close();
    }
  };

  try {
    // up to `volumesAtOnce` volumes are open: the next one's jobs queue behind the current one's
    // (first come first served), so job slots on an endpoint never wait for a volume's slowest job
    const active = new Set<Promise<void>>();
    for (const v of toRun) {
      if (signal.aborted) break;
      const running: Promise<void> = runVolume(v).finally(() => active.delete(running));
      active.add(running);
      if (active.size >= (opts.volumesAtOnce ?? 1)) await Promise.race(active);
    }
    await Promise.all(active);
  } finally {
    progress.finish();
    await (await backend?.catch(() => undefined))?.close();
  }

  summary.interrupted = signal.aborted;
  const s = progress.elapsedS();
  write(
    `\n${summary.interrupted ? 'Interrupted: run again to resume. ' : ''}${summary.written.length} written, ${summary.skipped.length} skipped, ${summary.failed.length} failed; ` +
      `${summary.pagesOcred} pages OCR'd, ${cached} from the cache, in ${s.toFixed(1)} s (${progress.rate().toFixed(2)} pages/s)\n`,
  );
  for (const f of summary.failed) write(`  failed: ${f.volume}: ${f.reason}\n`);
  summary.exitCode = summary.interrupted ? 130 : summary.failed.length > 0 ? 1 : 0;
  return summary;
}
