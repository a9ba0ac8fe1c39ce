/**
 * Run in a fresh process by the benchmark: a many-page process_batch through the real handler on
 * the tiny stand-ins (real-size models would take ~5 s a page), sampling RSS every few ms. The
 * baseline is the RSS after the models are loaded and one page has warmed them up, so the peak
 * above it is what the job itself holds (decoded pages, crops, tensors, the request). argv: pages.
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config.ts';
import { ProcessOutput } from '../../src/contract/output.ts';
import { createHandler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { loadModels } from '../../src/models/load-models.ts';
import { createSessionPageOcr } from '../../src/pipeline/create-session-page-ocr.ts';
import { MODEL_DIRS } from './bench-models.ts';
import { batchJob, loadWorkload } from './workload.ts';

/** RSS sampling period; pages take tens of ms here, so a peak is not missed by much */
const SAMPLE_MS = 5;
const MB = 2 ** 20;

const pageCount = Number(process.argv[2] ?? 100);

let maxRssSource = 'VmHWM';
/**
 * This process's peak RSS by the kernel. Linux's VmHWM belongs to the process image, whereas
 * getrusage's maxRSS (process.resourceUsage) survives exec: a child spawned by the benchmark, whose
 * parent holds the real-size models, would report the parent's ~1.5 GB as its own peak.
 */
function highWaterRss(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  maxRssSource = 'getrusage (may include the parent\'s memory at spawn)';
  return process.resourceUsage().maxRSS * 1024;
}
// greedy: the tiny decoder's beam search is slow enough to dominate, and memory does not depend on it
const config = loadConfig([], { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy' });
const log = silentLogger();
const models = await loadModels({ ...config.models, dir: MODEL_DIRS.tiny }, log);
// the page cache off: the workload repeats its six pages, and every page must really be processed
const handler = createHandler({ worker: Promise.resolve({ ocr: createSessionPageOcr(models, config, { pageCacheEntries: 0 }), models: [] }), config, log });
const pages = loadWorkload(pageCount);
await handler(batchJob(pages.slice(0, 1), 'warm-up'));
global.gc?.();
const baseline = process.memoryUsage().rss;

const job = batchJob(pages);
let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), SAMPLE_MS);
const t0 = performance.now();
const result = ProcessOutput.parse(await handler(job));
const wall = performance.now() - t0;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const maxRss = highWaterRss();
console.log(JSON.stringify({
  pages: result.stats.pages,
  lines: result.stats.lines,
  decoding: config.ocr.decoding,
  wall_ms: Math.round(wall),
  baseline_rss_mb: Math.round(baseline / MB),
  sampled_peak_rss_mb: Math.round(peak / MB),
  // the kernel's high-water mark also sees spikes between samples (the thread is blocked in runs)
  max_rss_mb: Math.round(maxRss / MB),
  max_rss_source: maxRssSource,
  peak_above_models_mb: Math.round((Math.max(peak, maxRss) - baseline) / MB),
}));
