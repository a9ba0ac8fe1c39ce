/**
 * The worker's CPU side (issue 19). The CPU ceiling: 30 pages through the whole threaded pipeline
 * (decode, detector pre/post-processing, crops, recogniser preprocessing, and in the CPU configuration
 * beam selection) with models that answer from recorded outputs (replay-models.ts), so only our own
 * work is timed, with one page thread and with one per core. Measured in the GPU configuration, the
 * ceiling of a GPU worker (the in-graph beam search, one model call per batch: what the Docker image
 * runs on a GPU, README "Decoder path"), and in the CPU configuration (our beam search on the plain
 * decoder, a model call per step). And the main thread's event-loop delay (monitorEventLoopDelay) while
 * a 30-page job runs behind the local API on the tiny stand-ins, with the default PAGE_THREADS.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tinyModelsDir } from '../onnx/stand-in-fixture.ts';
import { ensureReplicaKv, ensureReplicas, oraclePython } from '../oracle-replicas.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ProcessOutput } from '../../src/contract/output.ts';
import { createHandler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { DEFAULT_BATCH_SIZE_GPU } from '../../src/recognizer/recognizer.ts';
import { serveApi } from '../../src/runners/local-api/serve-api.ts';
import { startThreadedPageOcr } from '../../src/pipeline/threads/threaded-page-ocr.ts';
import { TOKENS_PER_LINE } from './bench-setup.ts';
import { BEAM_SEARCH_FILE } from './bench-models.ts';
import { replayCounts } from './replay-models.ts';
import { batchJob, loadWorkload } from './workload.ts';

/** One configuration's ceiling with one page thread and with one per core (and with none, for comparison). */
export interface CeilingPair {
  /** PAGE_THREADS=0: the page pipeline and the models on one thread, as before the page threads */
  pages_per_s_no_page_threads: number;
  pages_per_s_1_thread: number;
  pages_per_s_all_threads: number;
  /** model runs after the recording pass that were not recorded (ran the models; their passes are not timed) */
  replay_misses_1_thread: number;
  replay_misses_all_threads: number;
  /** the process's CPU time over the timed passes' wall time */
  cores_used_1_thread: number;
  cores_used_all_threads: number;
}

export interface CpuSideResult {
  pages: number;
  /**
   * The checked ceiling: the GPU configuration's (in-graph beam search, GPU batch size), or the CPU
   * configuration's where the replicas' in-graph search could not be made (`checked_configuration`).
   */
  cpu_ceiling_pages_per_s_1_thread: number;
  cpu_ceiling_pages_per_s_all_threads: number;
  checked_configuration: 'gpu' | 'cpu';
  all_threads: number;
  /** what the GPU configuration ran on (the small manga-ocr replicas and their in-graph search), or why it did not run */
  gpu_configuration_models: string;
  gpu_configuration?: CeilingPair;
  /** the CPU configuration (our beam search on the plain decoder, tiny stand-ins) */
  cpu_configuration: CeilingPair;
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
/** timed passes per ceiling; their median is the figure (threads' speed varies pass to pass) */
const TIMED_PASSES = 3;
/**
 * Passes beyond the timed ones that may meet unrecorded runs: with two page threads, which crops
 * share a batch depends on timing, so a pass can meet batches the first did not record. Such a pass
 * runs the models for them (and records them) and is not timed.
 */
const RECORDING_PASSES = 4;
const REPLAY = new URL('./replay-models.ts', import.meta.url).href;
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

const COMMON = { EXECUTION_PROVIDERS: 'cpu', STAND_IN_MODELS: 'never', OCR_DECODING: 'beam', ORT_INTRA_OP_THREADS: '1', PAGE_CACHE_ENTRIES: '0' };
/** the CPU configuration on the tiny stand-ins (also the event-loop run's) */
const cpuConfig = (): Readonly<Config> => loadConfig([], { ...COMMON, MODELS_DIR: tinyModelsDir() });
/** the GPU configuration: the in-graph search and the GPU's batch size, on CPU sessions */
const gpuConfig = (models: string): Readonly<Config> =>
  loadConfig([], { ...COMMON, MODELS_DIR: models, MODELS_VERIFY: 'off', DECODER_LOOP: 'onnx', OCR_BATCH_SIZE: String(DEFAULT_BATCH_SIZE_GPU) });
const tuning = { decode: { maxNewTokens: TOKENS_PER_LINE }, pageCacheEntries: 0 };

/**
 * The small replicas with their in-graph beam search (made once with the oracle's environment), or
 * the reason they could not be made: the rest of the benchmark's figures are not lost for it.
 */
function gpuModels(say: (s: string) => void): { dir: string } | { missing: string } {
  try {
    const dir = ensureReplicas(oraclePython(), 'small');
    if (!existsSync(join(dir, BEAM_SEARCH_FILE))) say('making the small replicas\' in-graph beam search (once)');
    ensureReplicaKv(dir);
    return { dir };
  } catch (err) {
    const missing = `not measured: ${(err as Error).message}`;
    say(`CPU ceiling, GPU configuration ${missing}; the CPU configuration's figures are checked instead`);
    return { missing };
  }
}

/** pages/s of the whole pipeline on replayed models with `threads` page threads (recording passes first) */
async function ceiling(config: Readonly<Config>, threads: number, what: string, say: (s: string) => void): Promise<{ pages_per_s: number; misses: number; cores: number }> {
  const log = silentLogger();
  const loaded = await startThreadedPageOcr(config, log, { pageThreads: threads, tuning, wrapModels: REPLAY });
  const label = `ceiling, ${what}, ${threads} page thread(s)`;
  try {
    const handler = createHandler({ worker: Promise.resolve(loaded), config, log });
    const job = batchJob(loadWorkload(PAGES), 'ceiling');
    const pass = async () => {
      const before = await replayCounts();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const out = ProcessOutput.parse(await handler(job));
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const misses = (await replayCounts()).misses - before.misses;
      return { doc: JSON.stringify(out.mokuro.pages), wall, cores: (cpu.user + cpu.system) / 1000 / wall, misses };
    };
    say(`${label}: recording the models' outputs`);
    const recorded = await pass();
    // a pass that met unrecorded runs (they ran the models, and are recorded now) is not timed
    const timed = [];
    let misses = 0;
    for (let i = 0; timed.length < TIMED_PASSES && i < TIMED_PASSES + RECORDING_PASSES; i++) {
      const p = await pass();
      // replayed outputs are keyed by a sample of the inputs (replay-models.ts): a wrong replay shows here
      if (p.doc !== recorded.doc) throw new Error(`${label}: a replayed pass's document differs from the recording pass's`);
      if (p.misses === 0) timed.push(p);
      misses += p.misses;
    }
    if (timed.length < TIMED_PASSES) throw new Error(`${label}: ${TIMED_PASSES + RECORDING_PASSES} passes gave only ${timed.length} without unrecorded runs`);
    const pages_per_s = round(median(timed.map((p) => (PAGES * 1000) / p.wall)));
    const cores = round(timed.reduce((a, p) => a + p.cores, 0) / timed.length);
    say(`${label}: ${pages_per_s} pages/s (median of ${TIMED_PASSES}: ${timed.map((p) => round((PAGES * 1000) / p.wall)).join(', ')}), ${cores} cores busy (${misses} runs met unrecorded, in passes not timed)`);
    return { pages_per_s, misses, cores };
  } finally {
    await loaded.close();
  }
}

async function ceilingPair(config: Readonly<Config>, what: string, all: number, say: (s: string) => void): Promise<CeilingPair> {
  const none = await ceiling(config, 0, what, say);
  const one = await ceiling(config, 1, what, say);
  const many = await ceiling(config, all, what, say);
  return {
    pages_per_s_no_page_threads: none.pages_per_s,
    pages_per_s_1_thread: one.pages_per_s,
    pages_per_s_all_threads: many.pages_per_s,
    replay_misses_1_thread: one.misses,
    replay_misses_all_threads: many.misses,
    cores_used_1_thread: one.cores,
    cores_used_all_threads: many.cores,
  };
}

/** the event loop's delay (ms) in this process while it serves the local API and a 30-page job runs */
export async function eventLoopDelay(say: (s: string) => void): Promise<{ p99: number; max: number; threads: number }> {
  const base = cpuConfig();
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
  const models = gpuModels(say);
  const spinOne = await spinControl(1);
  const spinAll = await spinControl(all);
  say(`control: spinning threads get ${spinOne} core(s) with 1 thread, ${spinAll} with ${all}`);
  const gpu = 'dir' in models ? await ceilingPair(gpuConfig(models.dir), 'GPU configuration', all, say) : undefined;
  const cpu = await ceilingPair(cpuConfig(), 'CPU configuration', all, say);
  const loop = await eventLoopDelay(say);
  const checked = gpu ?? cpu;
  return {
    pages: PAGES,
    cpu_ceiling_pages_per_s_1_thread: checked.pages_per_s_1_thread,
    cpu_ceiling_pages_per_s_all_threads: checked.pages_per_s_all_threads,
    checked_configuration: gpu ? 'gpu' : 'cpu',
    all_threads: all,
    gpu_configuration_models: 'dir' in models ? relative(process.cwd(), models.dir) : models.missing,
    gpu_configuration: gpu,
    cpu_configuration: cpu,
    spin_control_cores_1_thread: spinOne,
    spin_control_cores_all_threads: spinAll,
    event_loop_p99_ms: loop.p99,
    event_loop_max_ms: loop.max,
    event_loop_page_threads: loop.threads,
    load_avg_1m: `${round(load0)} → ${round(loadavg()[0])}`,
  };
}
