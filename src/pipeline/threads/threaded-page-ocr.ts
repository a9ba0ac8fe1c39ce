/**
 * Page OCR off the main thread. One inference thread owns the model sessions; PAGE_THREADS page
 * threads run the page pipeline on them (see page-thread.ts), or with PAGE_THREADS=0 the inference
 * thread runs the pipeline itself, as the single-threaded page OCR did. The main thread only decodes
 * (sharp works on libuv's threads), hands pages over (their pixels moved, not copied) and keeps the
 * page cache, so the HTTP API, the RunPod job loop and its heartbeat never wait on a model run.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { Config } from '../../config.ts';
import type { ProcessOptions } from '../../contract/input.ts';
import { WorkerError } from '../../errors.ts';
import type { HealthOutput } from '../../contract/output.ts';
import type { RawImage } from '../../image/raw-image.ts';
import type { Logger } from '../../logger.ts';
import { withPageCache } from '../page-cache.ts';
import type { PageOcr, PageResult } from '../page-ocr.ts';
import type { InferenceMessage, InferenceThreadData, ModelsShape, OcrTuning } from './inference-thread.ts';
import type { PageReply } from './page-server.ts';
import type { PageThreadData } from './page-thread.ts';
import { post } from './post.ts';
import { spawnThread } from './spawn-thread.ts';
import { errorFromWire, ownBuffer } from './wire.ts';

/** pages one thread holds at once: one in its own code while the other waits on the models */
export const PAGES_PER_THREAD = 2;
/**
 * Pages a job keeps decoded and handed over, per slot: the pages beyond the threads' slots wait
 * decoded, in order, so a thread that finishes a page takes the next at once. With only the slots'
 * worth, a job's next page was decoded only once its oldest page was done, and a thread whose pages
 * were quick sat idle behind a slow one (2 page threads: 1.33× one thread's pages/s → 1.48×).
 */
const PAGES_AHEAD_PER_SLOT = 2;

export interface ThreadedPageOcrOptions {
  /** page threads; 0 = the page pipeline in the inference thread */
  pageThreads: number;
  tuning?: OcrTuning;
  /** see InferenceThreadData.wrapModels (benchmark only) */
  wrapModels?: string;
}

/** start-worker.ts's LoadedWorker, and what only the threads have */
export interface ThreadedPageOcr {
  ocr: PageOcr;
  models: HealthOutput['models'];
  close(): Promise<void>;
  /** pages the threads hold or are about to be given, over all jobs (at most PAGES_PER_THREAD each) */
  held(): number;
}

/** A thread pages are sent to, with the pages it holds. */
interface Lane {
  worker: Worker;
  pending: Map<number, { resolve: (r: PageResult) => void; reject: (e: Error) => void }>;
}

const cancelled = () => new WorkerError('ABORTED', 'job was cancelled');

function waitReady(worker: Worker): Promise<ModelsShape> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: InferenceMessage | { type: string }) => {
      if (msg.type === 'ready') done(), resolve((msg as Extract<InferenceMessage, { type: 'ready' }>).models);
      if (msg.type === 'failed') done(), reject(errorFromWire((msg as Extract<InferenceMessage, { type: 'failed' }>).error));
    };
    const onError = (err: Error) => (done(), reject(new WorkerError('MODEL_LOAD', `the inference thread failed: ${err.message}`, { cause: err })));
    const onExit = (code: number) => (done(), reject(new WorkerError('MODEL_LOAD', `the inference thread exited (${code}) while loading the models`)));
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

export async function startThreadedPageOcr(config: Readonly<Config>, log: Logger, opts: ThreadedPageOcrOptions): Promise<ThreadedPageOcr> {
  const { pageCacheEntries = config.ocr.pageCacheEntries, ...tuning } = opts.tuning ?? {};
  const pagesHere = opts.pageThreads === 0;
  const inference = spawnThread('./inference-thread.ts', {
    config, logLevel: log.level, pagesHere, tuning, wrapModels: opts.wrapModels,
  } satisfies Omit<InferenceThreadData, 'entry'>, log);
  const workers: Worker[] = [inference];
  // An idle thread is unref'd (below), and terminating an unref'd thread keeps nothing alive until it
  // has exited: the caller awaiting close() could see the process end first (exit code 13). So every
  // thread is referenced until it has exited, and stays so (`closing` stops `refs`).
  let closing = false;
  const close = async () => {
    closing = true;
    await Promise.all(workers.map((w) => (w.ref(), w.terminate())));
  };
  let models: ModelsShape;
  try {
    models = await waitReady(inference);
  } catch (err) {
    await close();
    throw err;
  }

  const lanes: Lane[] = [];
  const addLane = (worker: Worker) => {
    const lane: Lane = { worker, pending: new Map() };
    worker.on('message', (msg: PageReply | { type: string }) => {
      if (msg.type !== 'page') return;
      const reply = msg as PageReply;
      const p = lane.pending.get(reply.id);
      if (!p) return;
      lane.pending.delete(reply.id);
      // settling gives the page's slot back (processPage's finish)
      if ('error' in reply) p.reject(errorFromWire(reply.error));
      else p.resolve(reply.result);
    });
    // a thread that dies takes its pages with it, not the process: they fail as INTERNAL
    const fail = (why: string) => {
      for (const p of lane.pending.values()) p.reject(new WorkerError('INTERNAL', 'internal error', { cause: new Error(why) }));
      lane.pending.clear();
      release();
    };
    worker.on('error', (err) => (log.error({ err }, 'a page thread failed'), fail(err.message)));
    worker.on('exit', (code) => fail(`page thread exited (${code})`));
    lanes.push(lane);
  };
  if (pagesHere) addLane(inference);
  else {
    for (let i = 0; i < opts.pageThreads; i++) {
      const { port1, port2 } = new MessageChannel();
      inference.postMessage({ type: 'serve', port: port1 }, [port1]);
      const worker = spawnThread('./page-thread.ts', { config, models, inference: port2, tuning } satisfies Omit<PageThreadData, 'entry'>, log, [port2]);
      workers.push(worker);
      addLane(worker);
    }
  }

  // Idle threads must not keep the process alive (the one-shot and the ocr command end when their
  // work does); a thread is referenced only while it holds pages.
  const refs = () => {
    if (closing) return;
    for (const l of lanes) l.pending.size > 0 ? l.worker.ref() : l.worker.unref();
  };
  inference.unref();
  // The inference thread gone (a native crash usually takes the process; a thrown error does not):
  // the pages waiting on its models would wait forever, so they and every later page fail instead.
  let broken: WorkerError | undefined;
  const stopped = (why: string) => {
    broken ??= new WorkerError('INFERENCE', 'the models are no longer available', { cause: new Error(why) });
    for (const lane of lanes) {
      for (const p of lane.pending.values()) p.reject(broken);
      lane.pending.clear();
    }
    release();
  };
  inference.on('error', (err) => (log.error({ err }, 'the inference thread failed'), stopped(err.message)));
  inference.on('exit', (code) => stopped(`inference thread exited (${code})`));

  /**
   * Slots: pages given to the threads or about to be, at most PAGES_PER_THREAD per thread over all
   * jobs, which bounds the decoded pages the threads hold; callers beyond that wait in order.
   */
  const slots = lanes.length * PAGES_PER_THREAD;
  let taken = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    refs();
    while (waiting.length > 0 && taken < slots) {
      taken++;
      waiting.shift()!();
    }
  };
  const giveBack = () => {
    taken--;
    release();
  };
  const slot = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (taken < slots) return taken++, resolve();
      const go = () => (signal?.removeEventListener('abort', stop), resolve());
      const stop = () => {
        const at = waiting.indexOf(go);
        if (at >= 0) waiting.splice(at, 1);
        reject(cancelled());
      };
      signal?.addEventListener('abort', stop, { once: true });
      waiting.push(go);
    });

  let next = 0;
  const processPage = async (image: RawImage, options: ProcessOptions, signal?: AbortSignal): Promise<PageResult> => {
    if (signal?.aborted) throw cancelled();
    if (broken) throw broken;
    await slot(signal);
    if (signal?.aborted || broken) {
      giveBack();
      throw broken ?? cancelled();
    }
    const lane = lanes.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = next++;
    return new Promise<PageResult>((resolve, reject) => {
      const onAbort = () => post(lane.worker, { type: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        signal?.removeEventListener('abort', onAbort);
        giveBack();
      };
      lane.pending.set(id, { resolve: (r) => (finish(), resolve(r)), reject: (e) => (finish(), reject(e)) });
      refs();
      // the page's pixels move to the thread: the caller keeps only its size (process-job.ts)
      const transfer: ArrayBuffer[] = [];
      post(lane.worker, { type: 'page', id, image: { ...image, data: ownBuffer(image.data, transfer) }, options }, transfer);
    });
  };

  const threaded: PageOcr = {
    providers: models.info.providers,
    standIn: models.info.standIn,
    weights: models.info.weights,
    decoder: models.decoder,
    pagesInFlight: PAGES_AHEAD_PER_SLOT * slots,
    processPage,
  };
  const ocr = pageCacheEntries > 0 ? withPageCache(threaded, pageCacheEntries) : threaded;
  return { ocr, models: models.files, close, held: () => taken };
}
