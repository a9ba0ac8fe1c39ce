/** The benchmark's result as markdown tables (the JSON is printed as is). */
import type { PipelineResult } from './run-pipeline.ts';
import type { RecognizerRun } from './run-recognizer.ts';
import type { CpuSideResult } from './cpu-side.ts';

export interface BenchResult {
  conditions: Record<string, string | number>;
  pipeline: PipelineResult;
  decode_isolated_ms_per_page: number;
  recognizer: RecognizerRun[];
  derived: Record<string, number>;
  rss?: Record<string, number | string>;
  cold_start?: Record<string, number>;
  /** issue 19: the CPU ceiling on replayed models and the event loop behind the local API (cpu-side.ts) */
  cpu_side?: CpuSideResult;
  checks: { name: string; value: number; limit: string; pass: boolean }[];
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function formatReport(r: BenchResult): string {
  const p = r.pipeline;
  const out: string[] = [];
  out.push(table(['condition', 'value'], Object.entries(r.conditions)));
  out.push(
    `\nPipeline: ${p.pages} pages, ${p.lines} line crops (${p.truth_lines} ground-truth lines), ${p.decoding}, ` +
      `${p.kv_cache ? 'KV cache' : 're-run prefix'}; ${p.pages_per_s} pages/s, ${p.lines_per_s} lines/s, ` +
      `overhead ratio ${p.overhead_ratio} (wall ${p.wall_ms} ms / in session.run ${p.model_ms.total} ms: ` +
      `${Object.entries(p.model_ms).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${v}`).join(', ')})` +
      (p.stand_in_lines_ms > 0 ? `; ${p.stand_in_lines_ms} ms of unprimed line stand-in runs counted as ours` : '') + '\n',
  );
  const stages = Object.entries(p.stage_ms_per_page).filter(([k]) => k !== 'total');
  out.push(table(['stage', 'ms per page'], [
    ...stages.map(([k, v]) => [k === 'decode' ? 'decode (overlapped with inference)' : k, v]),
    ['decode, measured alone', r.decode_isolated_ms_per_page],
    ['**job wall / page**', p.stage_ms_per_page.total],
  ]));
  out.push('\nRecogniser on a fixed crop set:\n');
  out.push(table(
    ['run', 'decoding', 'cache', 'batch', 'calls', 'crops', 'ms/line', 'lines/s', 'encoder ms', 'decoder ms', 'wall/model'],
    r.recognizer.map((x) => [x.label, x.decoding, x.kv_cache ? 'KV' : 're-run', x.batch_size, x.calls, x.crops, x.ms_per_line, x.lines_per_s, x.encoder_ms, x.decoder_ms, x.overhead_ratio]),
  ));
  out.push('\n' + table(['derived', 'value'], Object.entries(r.derived)));
  if (r.rss) out.push('\n' + table(['memory (many-page job)', 'value'], Object.entries(r.rss)));
  if (r.cpu_side) out.push('\n' + table(['CPU side (threads, replayed models)', 'value'], Object.entries(r.cpu_side)));
  if (r.cold_start) out.push('\n' + table(['cold start', 'ms'], Object.entries(r.cold_start)));
  out.push('\n' + table(['target', 'value', 'limit', 'pass'], r.checks.map((c) => [c.name, c.value, c.limit, c.pass ? 'yes' : '**NO**'])));
  return out.join('\n');
}
