/**
 * The worker's CPU side (issue 19). The CPU ceiling: 30 pages through the whole threaded pipeline
 * (decode, detector pre/post-processing, crops, recogniser preprocessing, beam search) with models
 * that answer from recorded outputs (replay-models.ts), so only our own work is timed, with one page
 * thread and with one per core. And the main thread's event-loop delay (monitorEventLoopDelay) while a
 * 30-page job runs behind the local API on the tiny stand-ins, with the default PAGE_THREADS.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tinyModelsDir } from '../onnx/stand-in-fixture.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ProcessOutput } from '../../src/contract/output.ts';
import { createHandler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { serveApi } from '../../src/runners/local-api/serve-api.ts';
import { startThreadedPageOcr } from '../../src/pipeline/threads/threaded-page-ocr.ts';
import { TOKENS_PER_LINE } from './bench-setup.ts';
import { replayCounts } from './replay-models.ts';
import { batchJob, loadWorkload } from './workload.ts';

export interface CpuSideResult {
  pages: number;
  cpu_ceiling_pages_per_s_1_thread: number;
  cpu_ceiling_pages_per_s_all_threads: number;
  all_threads: number;
  /** model runs of the timed passes that were not recorded (ran the tiny models instead) */
  replay_misses_1_thread: number;
  replay_misses_all_threads: number;
  /** the process's CPU time over the timed pass's wall time: what the shared machine let us use */
  cores_used_1_thread: number;
  cores_used_all_threads: number;
  /**
   * The control: cores this process gets when 1 and then all threads only spin, just before the
   * ceiling runs. On a machine others share, the all-threads ceiling cannot exceed what this allows.
   */
  spin_control_cores_1_thread: number;
  spin_control_cores_all_threads: number;
  event_loop_p99_ms: number;
  event_loop_max_ms: number;
  event_loop_page_threads: number;
  load_avg_1m: string;
}

const PAGES = 30;
const REPLAY = new URL('./replay-models.ts', import.meta.url).href;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

function benchConfig(): Readonly<Config> {
  return loadConfig([], {
    EXECUTION_PROVIDERS: 'cpu',
    MODELS_DIR: tinyModelsDir(),
    STAND_IN_MODELS: 'never',
    OCR_DECODING: 'beam',
    ORT_INTRA_OP_THREADS: '1',
    PAGE_CACHE_ENTRIES: '0',
  });
}
const tuning = { decode: { maxNewTokens: TOKENS_PER_LINE }, pageCacheEntries: 0 };

/** pages/s of the whole pipeline on replayed models with `threads` page threads (a recording pass first) */
async function ceiling(threads: number, say: (s: string) => void): Promise<{ pages_per_s: number; misses: number; cores: number }> {
  const config = benchConfig();
  const log = silentLogger();
  const loaded = await startThreadedPageOcr(config, log, { pageThreads: threads, tuning, wrapModels: REPLAY });
  try {
    const handler = createHandler({ worker: Promise.resolve(loaded), config, log });
    const job = batchJob(loadWorkload(PAGES), 'ceiling');
    say(`ceiling, ${threads} page thread(s): recording the models' outputs`);
    const recorded = ProcessOutput.parse(await handler(job));
    const before = await replayCounts();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const timed = ProcessOutput.parse(await handler(job));
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    // replayed outputs are keyed by a sample of the inputs (replay-models.ts): a wrong replay shows here
    if (JSON.stringify(timed.mokuro.pages) !== JSON.stringify(recorded.mokuro.pages)) throw new Error(`ceiling, ${threads} page thread(s): the replayed pass's document differs from the recording pass's`);
    const cores = round((cpu.user + cpu.system) / 1000 / wall);
    const after = await replayCounts();
    say(`ceiling, ${threads} page thread(s): ${round((PAGES * 1000) / wall)} pages/s, ${cores} cores busy (${after.misses - before.misses} runs not recorded)`);
    return { pages_per_s: round((PAGES * 1000) / wall), misses: after.misses - before.misses, cores };
  } finally {
    await loaded.close();
  }
}

/** the event loop's delay (ms) in this process while it serves the local API and a 30-page job runs */
export async function eventLoopDelay(say: (s: string) => void): Promise<{ p99: number; max: number; threads: number }> {
  const base = benchConfig();
  const config = { ...base, api: { ...base.api, port: 0, host: '127.0.0.1' } } as Readonly<Config>;
  const log = silentLogger();
  const loaded = await startThreadedPageOcr(config, log, { pageThreads: config.ocr.pageThreads, tuning });
  const server = await serveApi(createHandler({ worker: Promise.resolve(loaded), config, log }), config, log, () => true);
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const job = batchJob(loadWorkload(PAGES), 'event-loop');
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const { id } = (await (await fetch(`${url}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: job.input }) })).json()) as { id: string };
    let status = '';
    while (!['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(status)) {
      // polled as a client would; each answer is also a request the main thread had to serve
      await new Promise((r) => setTimeout(r, 100));
      status = ((await (await fetch(`${url}/status/${id}`)).json()) as { status: string }).status;
    }
    histogram.disable();
    if (status !== 'COMPLETED') throw new Error(`the event-loop job ended ${status}`);
    const p99 = round(histogram.percentile(99) / 1e6, 1);
    const max = round(histogram.max / 1e6, 1);
    say(`event loop during a ${PAGES}-page job behind the local API (${config.ocr.pageThreads} page threads): p99 ${p99} ms, max ${max} ms`);
    return { p99, max, threads: config.ocr.pageThreads };
  } finally {
    await server.stop();
    await loaded.close();
  }
}

/** cores this process is given while `threads` threads spin for a second */
async function spinControl(threads: number): Promise<number> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const spin = 'const t = Date.now(); while (Date.now() - t < 1000) {}';
  await Promise.all(Array.from({ length: threads }, () => new Promise((resolve) => new Worker(spin, { eval: true }).on('exit', resolve))));
  const cpu = process.cpuUsage(cpu0);
  return round((cpu.user + cpu.system) / 1000 / (performance.now() - t0));
}

export async function runCpuSide(say: (s: string) => void): Promise<CpuSideResult> {
  const load0 = loadavg()[0];
  const all = availableParallelism();
  const spinOne = await spinControl(1);
  const spinAll = await spinControl(all);
  say(`control: spinning threads get ${spinOne} core(s) with 1 thread, ${spinAll} with ${all}`);
  const one = await ceiling(1, say);
  const many = await ceiling(all, say);
  const loop = await eventLoopDelay(say);
  return {
    pages: PAGES,
    cpu_ceiling_pages_per_s_1_thread: one.pages_per_s,
    cpu_ceiling_pages_per_s_all_threads: many.pages_per_s,
    all_threads: all,
    replay_misses_1_thread: one.misses,
    replay_misses_all_threads: many.misses,
    cores_used_1_thread: one.cores,
    cores_used_all_threads: many.cores,
    spin_control_cores_1_thread: spinOne,
    spin_control_cores_all_threads: spinAll,
    event_loop_p99_ms: loop.p99,
    event_loop_max_ms: loop.max,
    event_loop_page_threads: loop.threads,
    load_avg_1m: `${round(load0)} → ${round(loadavg()[0])}`,
  };
}
