/**
 * The deterministic workload: the synthetic manga pages in test/fixtures/synthetic-pages (a known number of
 * text lines each, in truth.json), repeated in order to the wanted page count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTHETIC_PAGES } from '../../test/helpers/fixtures.ts';

export const PAGES_DIR = SYNTHETIC_PAGES;

interface Truth {
  pages: { img_path: string; img_width: number; img_height: number; blocks: { lines: string[] }[] }[];
}

export interface WorkloadPage {
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** text lines on the page (ground truth) */
  lines: number;
}

export function loadWorkload(count?: number): WorkloadPage[] {
  const truth = JSON.parse(readFileSync(join(PAGES_DIR, 'truth.json'), 'utf8')) as Truth;
  const pages = truth.pages.map((p) => ({
    name: p.img_path,
    bytes: readFileSync(join(PAGES_DIR, p.img_path)),
    width: p.img_width,
    height: p.img_height,
    lines: p.blocks.reduce((n, b) => n + b.lines.length, 0),
  }));
  const n = count ?? pages.length;
  return Array.from({ length: n }, (_, i) => {
    const p = pages[i % pages.length];
    return { ...p, name: `${String(i + 1).padStart(4, '0')}-${p.name}` };
  });
}

/** a process_batch job over the pages, named so img_path shows which synthetic page it was */
export function batchJob(pages: readonly WorkloadPage[], id = 'bench') {
  return {
    id,
    input: { type: 'process_batch', title: 'bench', images: pages.map((p) => ({ name: p.name, data: p.bytes.toString('base64') })) },
  };
}
