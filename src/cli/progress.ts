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

export class Progress {
  private total = 0;
  private done = 0;
  private ocred = 0;
  private failures = 0;
  private retries = 0;
  private volume = '';
  private lastDraw = 0;
  /** a redraw put off by the throttle, so the last of a burst of pages is always shown */
  private deferred?: NodeJS.Timeout;
  private lastTenth = 0;
  private started: number;
  private readonly now: () => number;

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** pages of all volumes to run, and how many of them the cache already holds */
  start(total: number, cached: number) {
    this.total = total;
    this.done = cached;
    this.lastTenth = Math.floor((10 * cached) / Math.max(total, 1));
  }

  volumeStarted(name: string, pages: number, cached: number) {
    this.volume = name;
    if (!this.opts.tty) this.opts.write(`${name}: ${pages} pages, ${cached} from the cache\n`);
    else this.draw(true);
  }

  page(ok: boolean) {
    this.done++;
    this.ocred++;
    if (!ok) this.failures++;
    if (this.opts.tty) return this.draw(false);
    const tenth = Math.floor((10 * this.done) / Math.max(this.total, 1));
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.opts.write(`${this.status()}\n`);
    }
  }

  retry() {
    this.retries++;
    if (this.opts.tty) this.draw(false);
  }

  /** a line that must not be overwritten (a volume written or failed, a warning) */
  line(text: string) {
    if (this.opts.tty) this.opts.write('\r\x1b[2K');
    this.opts.write(`${text}\n`);
    if (this.opts.tty) this.draw(true);
  }

  finish() {
    clearTimeout(this.deferred);
    if (this.opts.tty) this.opts.write('\r\x1b[2K');
  }

  /** the rate counts from here: the first page goes in (models loaded, endpoint reached) */
  clockFrom() {
    this.started = this.now();
  }

  elapsedS() {
    return (this.now() - this.started) / 1000;
  }

  rate() {
    const s = this.elapsedS();
    return s > 0 ? this.ocred / s : 0;
  }

  status(): string {
    const rate = this.rate();
    const eta = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const extra = [this.failures ? `${this.failures} failed` : '', this.retries ? `${this.retries} retries` : ''].filter(Boolean).join(', ');
    return `${this.done}/${this.total} pages  ${rate.toFixed(2)} pages/s  ETA ${clock(eta)}${extra ? `  ${extra}` : ''}  ${this.volume}`;
  }

  private draw(force: boolean) {
    const t = this.now();
    if (!force && t - this.lastDraw < 100 && this.done < this.total) {
      this.deferred ??= setTimeout(() => {
        this.deferred = undefined;
        this.draw(true);
      }, 100).unref();
      return;
    }
    clearTimeout(this.deferred);
    this.deferred = undefined;
    this.lastDraw = t;
    const width = 24;
    const filled = Math.round((width * this.done) / Math.max(this.total, 1));
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.status()}`;
    this.opts.write(`\r\x1b[2K${line.slice(0, (this.opts.columns ?? 120) - 1)}`);
  }
}
