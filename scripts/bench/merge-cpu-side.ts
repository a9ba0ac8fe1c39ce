import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { cpuSideChecks } from './checks.ts';
import type { CpuSideResult } from './cpu-side.ts';
import { formatReport, type BenchResult } from './report.ts';

const LAST = '.cache/bench/last.json';

/**
 * `npm run bench -- --cpu-side-only`: the CPU-side figures put into the last full result (its other
 * figures kept, its CPU-side checks replaced), or a result of their own when there is none.
 */
export async function mergeCpuSide(cpu: CpuSideResult): Promise<void> {
  const last = existsSync(LAST) ? (JSON.parse(readFileSync(LAST, 'utf8')) as BenchResult) : undefined;
  const cpuChecks = cpuSideChecks(cpu);
  const names = new Set(cpuChecks.rows.map((c) => c.name.split(' (')[0]));
  // by name, and any CPU-ceiling row of an earlier form
  const kept = (last?.checks.rows ?? []).filter((c) => !names.has(c.name.split(' (')[0]) && !c.name.startsWith('CPU ceiling'));
  const result = {
    ...(last ?? { conditions: {} }),
    conditions: { ...(last?.conditions ?? {}), cpu_side_date: new Date().toISOString(), cpu_side_load_avg_1m_end: Math.round(loadavg()[0] * 100) / 100 },
    cpu_side: cpu,
    checks: { ...(last?.checks ?? {}), ...cpuChecks.values, rows: [...kept, ...cpuChecks.rows] },
  } as BenchResult;
  mkdirSync('.cache/bench', { recursive: true });
  writeFileSync(LAST, JSON.stringify(result, null, 2));
  // the tables need a full run's figures; a result of the CPU side alone is JSON only
  if (last?.pipeline) writeFileSync('.cache/bench/last.md', formatReport(result));
  console.log(JSON.stringify({ cpu_side: cpu, checks: cpuChecks }, null, 2));
}
