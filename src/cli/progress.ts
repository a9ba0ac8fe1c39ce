/**
 * What a run shows while it works. On a terminal: one line redrawn in place (pages done/total,
 * pages/s, ETA, failures, the volume at work). Otherwise (a log file, CI): plain lines when a
 * volume starts or ends and at every tenth of the pages. Rates count only pages OCR'd in this run,
 * not pages found in the cache.
 */
export interface ProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  now?: () => number;
  /** terminal width for the bar */
  columns?: number;
}

const clock = (s: number) => {
  if (!Number.isFinite(s)) return '--:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

export type Progress = ReturnType<typeof createProgress>;

export function createProgress(opts: ProgressOptions) {
  const now = opts.now ?? (() => performance.now());
  let total = 0;
  let done = 0;
  let ocred = 0;
  let failures = 0;
  let retries = 0;
  let volume = '';
  let lastDraw = 0;
  let lastTenth = 0;
  let started = now();
  /** a redraw put off by the throttle, so the last of a burst of pages is always shown */
  let deferred: NodeJS.Timeout | undefined;

  const elapsedS = () => (now() - started) / 1000;
  const rate = () => {
    const s = elapsedS();
    return s > 0 ? ocred / s : 0;
  };
  const status = (): string => {
    const r = rate();
    const eta = r > 0 ? (total - done) / r : Infinity;
    const extra = [failures ? `${failures} failed` : '', retries ? `${retries} retries` : ''].filter(Boolean).join(', ');
    return `${done}/${total} pages  ${r.toFixed(2)} pages/s  ETA ${clock(eta)}${extra ? `  ${extra}` : ''}  ${volume}`;
  };
  const draw = (force: boolean) => {
    const t = now();
    if (!force && t - lastDraw < 100 && done < total) {
      deferred ??= setTimeout(() => {
        deferred = undefined;
        draw(true);
      }, 100).unref();
      return;
    }
    clearTimeout(deferred);
    deferred = undefined;
    lastDraw = t;
    const width = 24;
    const filled = Math.round((width * done) / Math.max(total, 1));
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${status()}`;
    opts.write(`\r\x1b[2K${line.slice(0, (opts.columns ?? 120) - 1)}`);
  };

  return {
    /** pages of all volumes to run, and how many of them the cache already holds */
    start(pages: number, cached: number) {
      total = pages;
      done = cached;
      lastTenth = Math.floor((10 * cached) / Math.max(total, 1));
    },
    volumeStarted(name: string, pages: number, cached: number) {
      volume = name;
      if (!opts.tty) opts.write(`${name}: ${pages} pages, ${cached} from the cache\n`);
      else draw(true);
    },
    page(ok: boolean) {
      done++;
      ocred++;
      if (!ok) failures++;
      if (opts.tty) return draw(false);
      const tenth = Math.floor((10 * done) / Math.max(total, 1));
      if (tenth > lastTenth) {
        lastTenth = tenth;
        opts.write(`${status()}\n`);
      }
    },
    /** a request, job or page tried again: counted on the bar, a line of its own otherwise */
    retry(reason: string) {
      retries++;
      if (opts.tty) draw(false);
      else opts.write(`retrying: ${reason}\n`);
    },
    /** a line that must not be overwritten (a volume written or failed, a warning) */
    line(text: string) {
      if (opts.tty) opts.write('\r\x1b[2K');
      opts.write(`${text}\n`);
      if (opts.tty) draw(true);
    },
    /** the rate counts from here: the first page goes in (models loaded, endpoint reached) */
    clockFrom() {
      started = now();
    },
    finish() {
      clearTimeout(deferred);
      if (opts.tty) opts.write('\r\x1b[2K');
    },
    elapsedS,
    rate,
    status,
  };
}
