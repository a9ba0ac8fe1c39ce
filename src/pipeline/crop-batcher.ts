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
    // one signal can stop the merged call only when every page in it shares that signal (one job)
    const signals = new Set(taken.map((r) => r.signal));
    const signal = signals.size === 1 ? taken[0]?.signal : undefined;
    running = true;
    try {
      const all = taken.flatMap((r) => r.crops);
      const { texts, stats } = await recognizer(mode).recogniseWithStats(all, signal);
      let at = 0;
      for (const r of taken) {
        r.resolve({ texts: texts.slice(at, at + r.crops.length), stats: share(stats, r.crops.length, all.length) });
        at += r.crops.length;
      }
    } catch (err) {
      for (const r of taken) r.reject(err);
    } finally {
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
