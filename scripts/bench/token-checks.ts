/**
 * Token identity on the benchmark's crops: the production decoder path (the KV-cache pair the
 * Docker image carries) against the pinned plain decoder, and the GPU configuration's in-graph
 * search against our JS search, all beam 4 with the benchmark's token cap.
 */
import type { RawImage } from '../../src/image/raw-image.ts';
import type { BenchModels } from './bench-setup.ts';
import { compareTokens, graphSearch, jsSearch, type Comparison } from '../kv/compare-decoders.ts';
import { TOKENS_PER_LINE } from './bench-setup.ts';

export interface TokenChecks {
  lines: number;
  /** production (KV pair, JS loop) vs the pinned plain decoder */
  production_vs_plain: { identical: number; different: number; differences: Comparison['differences'] } | null;
  /** in-graph search vs our JS search through the KV pair */
  graph_vs_js: { identical: number; different: number; differences: Comparison['differences'] } | null;
}

const summary = (c: Comparison) => ({ identical: c.identical, different: c.differences.length, differences: c.differences.slice(0, 10) });

export async function tokenChecks(models: Pick<BenchModels, 'real' | 'kv'>, crops: readonly RawImage[], batchSize: number): Promise<TokenChecks> {
  const opts = { mode: 'beam' as const, maxNewTokens: TOKENS_PER_LINE };
  const pages = [{ page: 'workload', crops }];
  const result: TokenChecks = { lines: crops.length, production_vs_plain: null, graph_vs_js: null };
  const { real } = models;
  const kv = jsSearch(real.encoder, models.kv, opts, 'kv-split');
  const plain = jsSearch(real.encoder, { decoder: real.decoder }, opts, 'plain');
  result.production_vs_plain = summary(await compareTokens(pages, batchSize, plain, kv));
  if (real.beamSearch) result.graph_vs_js = summary(await compareTokens(pages, batchSize, kv, graphSearch(real.beamSearch, 1 + TOKENS_PER_LINE)));
  return result;
}
