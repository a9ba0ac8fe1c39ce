/**
 * Cross-page batching of line crops (issue 5 item 5, issue 9): pages in flight each announce that
 * they will bring crops (`expect`), and their `recognise` calls are merged into one recogniser call
 * once every announced page has brought its crops or given up. The recogniser then sorts the merged
 * crops by elongation and batches them, so a page with 3 lines no longer makes a 3-crop batch.
 * On a GPU that is where throughput comes from; on CPU it costs nothing (the wait only overlaps
 * the other page's detection, which has to run anyway).
 */
import type { RawImage } from '../image/raw-image.ts';
import type { Recognizer, RecognizerStats } from '../recognizer/recognizer.ts';

type Mode = 'beam' | 'greedy';
type Outcome = { texts: string[]; stats: RecognizerStats };

interface Request {
  crops: readonly RawImage[];
  mode: Mode;
  signal?: AbortSignal;
  resolve(o: Outcome): void;
  reject(err: unknown): void;
}

export interface CropTicket {
  /** hand in this page's crops; resolves with their texts and this page's share of the stats */
  recognise(crops: readonly RawImage[], mode: Mode, signal?: AbortSignal): Promise<Outcome>;
  /** the page will not bring crops (it failed before); a no-op after `recognise` */
  cancel(): void;
}

export interface CropBatcher {
  /** a page that will bring crops later: merging waits for it */
  expect(): CropTicket;
}

/** a merged call's stats shared out by crop count, so per-page timings still add up to the job's */
function share(stats: RecognizerStats, part: number, whole: number): RecognizerStats {
  const f = whole > 0 ? part / whole : 0;
  const scaled = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v * f])) as unknown as RecognizerStats;
  return { ...scaled, crops: part };
}

/**
 * A signal that aborts once every one of `signals` has: none when a page came without one (it never
 * stops), the page's own when all share it (one job's pages without the page cache). The page cache
 * gives every page its own signal, so a merged call usually holds several. `release` drops the
 * listeners once the call is over.
 */
function whenAllAborted(signals: (AbortSignal | undefined)[]): { signal?: AbortSignal; release(): void } {
  const distinct = new Set(signals);
  if (distinct.size === 0 || distinct.has(undefined)) return { release: () => {} };
  if (distinct.size === 1) return { signal: signals[0], release: () => {} };
  const all = new AbortController();
  const pending = new Set([...distinct].filter((s) => !s!.aborted));
  const listeners = [...pending].map((s) => {
    const onAbort = () => pending.delete(s) && pending.size === 0 && all.abort(s!.reason);
    s!.addEventListener('abort', onAbort, { once: true });
    return () => s!.removeEventListener('abort', onAbort);
  });
  return { signal: all.signal, release: () => listeners.forEach((remove) => remove()) };
}

export function createCropBatcher(recognizer: (mode: Mode) => Recognizer): CropBatcher {
  let expected = 0;
  let running = false;
  const queue: Request[] = [];

  async function flush(): Promise<void> {
    if (running || expected > 0 || queue.length === 0) return;
    const mode = queue[0].mode;
    const taken = queue.filter((r) => r.mode === mode && !r.signal?.aborted);
    for (const r of queue.filter((q) => q.signal?.aborted)) r.reject(r.signal!.reason);
    queue.splice(0, queue.length, ...queue.filter((r) => r.mode !== mode && !r.signal?.aborted));
    // the merged call stops only when every page in it has been stopped
    const stop = whenAllAborted(taken.map((r) => r.signal));
    running = true;
    try {
      const all = taken.flatMap((r) => r.crops);
      const { texts, stats } = await recognizer(mode).recogniseWithStats(all, stop.signal);
      let at = 0;
      for (const r of taken) {
        r.resolve({ texts: texts.slice(at, at + r.crops.length), stats: share(stats, r.crops.length, all.length) });
        at += r.crops.length;
      }
    } catch (err) {
      for (const r of taken) r.reject(err);
    } finally {
      stop.release();
      running = false;
      void flush();
    }
  }

  return {
    expect() {
      expected++;
      let open = true;
      const close = () => {
        if (!open) return false;
        open = false;
        expected--;
        return true;
      };
      return {
        recognise(crops, mode, signal) {
          if (crops.length === 0) {
            // nothing to read: answer at once rather than wait for the other pages
            if (close()) void flush();
            return recognizer(mode).recogniseWithStats(crops, signal);
          }
          return new Promise<Outcome>((resolve, reject) => {
            queue.push({ crops, mode, signal, resolve, reject });
            close();
            void flush();
          });
        },
        cancel() {
          if (close()) void flush();
        },
      };
    },
  };
}
