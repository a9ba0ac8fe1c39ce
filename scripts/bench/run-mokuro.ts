/**
 * Mokuro 0.2.5 itself against the worker, on the same pages with the same replicas, in the same run:
 * Mokuro's own page pipeline on torch (oracle/time_mokuro.py, through the oracle's Python environment),
 * and the worker's job path in its CPU production configuration without the benchmark's token cap
 * (both decode to EOS or Mokuro's 300). Both pay for the same real-size detector run per page.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_LENGTH } from '../../src/recognizer/decoding.ts';
import type { BenchModels, LineOutputs } from './bench-setup.ts';
import { MODEL_DIRS, REPLICA_DIR } from './bench-models.ts';
import { createModelClock } from './model-clock.ts';
import { lastJsonLine } from './run-child.ts';
import { runPipeline } from './run-pipeline.ts';
import { PAGES_DIR, type WorkloadPage } from './workload.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PYTHON = join(ROOT, '.cache/oracle/venv/bin/python');
const HARNESS = join(ROOT, 'oracle/time_mokuro.py');

export interface MokuroComparison {
  pages: number;
  mokuro: { pages_per_s: number; wall_s: number; lines: number; page_s: number[]; torch: string };
  worker: { pages_per_s: number; wall_s: number; lines: number; host_mb_per_page: number };
  /** worker pages/s ÷ Mokuro pages/s */
  worker_over_mokuro: number;
}

/** Undefined (with the reason said) when the oracle's environment or the replicas are missing. */
export async function compareWithMokuro(models: BenchModels, pages: readonly WorkloadPage[], lineCache: LineOutputs, say: (s: string) => void): Promise<MokuroComparison | undefined> {
  const missing = [PYTHON, HARNESS, join(ROOT, 'oracle/mokuro_pages.py'), join(REPLICA_DIR, 'hf')].filter((f) => !existsSync(f));
  if (missing.length > 0 || !models.replicas) {
    say(`Mokuro comparison skipped: missing ${missing.join(', ') || 'the replicas'} (oracle/setup.sh, oracle/make_replicas.py)`);
    return undefined;
  }
  const files = pages.map((p) => join(PAGES_DIR, p.name.replace(/^\d{4}-/, '')));
  say(`Mokuro 0.2.5 on torch: ${files.length} pages`);
  const mokuro = await python([HARNESS, '--models', REPLICA_DIR, '--detector-cost', join(MODEL_DIRS.real, 'comictextdetector.pt.onnx'), '--threads', '2', ...files]);
  say(`the worker, CPU production configuration, uncapped: ${pages.length} pages`);
  const clock = createModelClock();
  const worker = await runPipeline(models, pages, { decoding: 'beam', kvCache: true, loop: 'js', clock, standInClock: createModelClock(), lineCache, tokens: MAX_LENGTH - 1 });
  const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    pages: pages.length,
    mokuro: { pages_per_s: mokuro.pages_per_s, wall_s: mokuro.wall_s, lines: mokuro.lines, page_s: mokuro.page_s, torch: mokuro.torch },
    worker: { pages_per_s: worker.pages_per_s, wall_s: round(worker.wall_ms / 1000, 2), lines: worker.lines, host_mb_per_page: worker.host_mb_per_page_total },
    worker_over_mokuro: round(worker.pages_per_s / mokuro.pages_per_s, 2),
  };
}

/** Mokuro's side: oracle/time_mokuro.py in the oracle's Python environment */
const python = (args: string[]) =>
  lastJsonLine<{ pages_per_s: number; wall_s: number; lines: number; page_s: number[]; torch: string }>(PYTHON, args, 'time_mokuro.py', ROOT);
