/**
 * Our beam search against transformers' `generate` on identical pixels: the tensors `generate` got
 * inside Mokuro (recorded by oracle/mokuro_pages.py) go through the worker's encoder and decoder
 * sessions, batching, native log-sum-exp and beam search exactly as a page's crops do, and the token
 * ids are compared. A disagreement is traced: the search is replayed on the same logits and the
 * smallest gap between adjacent candidates that decided it (the top 2·beams + 1 of every step) is
 * found; a gap within float noise between PyTorch and onnxruntime makes it a near-tie.
 */
import type { LoadedModels } from '../../src/models/load-models.ts';
import type { DecoderStep } from '../../src/recognizer/decoder-step.ts';
import { DEFAULT_DECODE_OPTIONS, decode } from '../../src/recognizer/decoding.ts';
import { createNativeLogSumExp } from '../../src/recognizer/log-sum-exp.ts';
import { createDecoder, createEncoder } from '../../src/recognizer/manga-ocr-session.ts';
import { bannedTokens } from '../../src/recognizer/ngram-ban.ts';
import { DEFAULT_BATCH_SIZE_CPU } from '../../src/recognizer/recognizer.ts';
import { EOS_ID, PAD_ID, START_ID } from '../../src/recognizer/tokenizer.ts';

/**
 * Scores (log-probabilities) closer than this are a tie within float noise: PyTorch and onnxruntime
 * compute the same float32 logits (about 25 in size here) with different kernels, a few 1e-5 apart.
 */
export const NEAR_TIE = 1e-3;
const SIDE = 224;

export interface OracleCrop {
  page: string;
  block: number;
  line: number;
  chunk: number;
  mirrored: boolean;
  /** generate's output: start token, generated ids, EOS (absent at the length cap) */
  ids: number[];
}

export interface CropVerdict {
  crop: OracleCrop;
  ours: number[];
  generate: number[];
  identical: boolean;
  /** for a disagreement: the smallest deciding gap in our search, and the two outputs' final scores */
  minGap?: number;
  scores?: { ours: number; generate: number };
  nearTie?: boolean;
}

/** generate's ids without the start token, EOS and padding: what our search returns */
export const generatedTokens = (ids: readonly number[]) =>
  ids.slice(ids[0] === START_ID ? 1 : 0).filter((t, i, a) => !(t === EOS_ID || (t === PAD_ID && a.slice(0, i).includes(EOS_ID))));

function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (const x of row) if (x > max) max = x;
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/** Teacher-forced score of a token sequence as the beam search ranks finished hypotheses. */
async function sequenceScore(step: DecoderStep, tokens: number[], vocab: number): Promise<number> {
  const seq = [START_ID, ...tokens, EOS_ID];
  let sum = 0;
  for (let t = 1; t < seq.length; t++) {
    const logits = await step({ prefixes: [seq.slice(0, t)], crops: [0], parents: t === 1 ? null : [0] });
    sum += logits[seq[t]] - logSumExp(logits.subarray(0, vocab));
  }
  return sum / (tokens.length + 1) ** DEFAULT_DECODE_OPTIONS.lengthPenalty;
}

/** Replays the beam search's candidate ranking on recorded logits: the smallest gap that decided a step. */
export function smallestDecidingGap(calls: { prefixes: number[][]; logits: Float32Array }[], vocab: number): number {
  const k = DEFAULT_DECODE_OPTIONS.numBeams;
  const scoreOf = new Map<string, number>([[String(START_ID), 0]]);
  let min = Infinity;
  for (const { prefixes, logits } of calls) {
    const cands: { s: number; key: string }[] = [];
    prefixes.forEach((prefix, r) => {
      const row = logits.subarray(r * vocab, (r + 1) * vocab);
      const base = scoreOf.get(prefix.join()) ?? -1e9;
      const banned = new Set(bannedTokens(prefix, DEFAULT_DECODE_OPTIONS.noRepeatNgramSize));
      const lse = logSumExp(row);
      for (let v = 0; v < vocab; v++) if (!banned.has(v)) cands.push({ s: row[v] - lse + base, key: `${prefix.join()},${v}` });
    });
    cands.sort((a, b) => b.s - a.s);
    const top = cands.slice(0, 2 * k + 1);
    for (let i = 0; i + 1 < top.length; i++) min = Math.min(min, top[i].s - top[i + 1].s);
    for (const c of top) scoreOf.set(c.key, c.s);
  }
  return min;
}

export async function beamVsGenerate(models: LoadedModels, crops: OracleCrop[], tensors: Float32Array): Promise<CropVerdict[]> {
  const encode = createEncoder(models.encoder);
  const decoder = createDecoder({ decoder: models.decoder, decoderWithPast: models.decoderWithPast });
  const rowLogSumExp = createNativeLogSumExp();
  const vocab = models.decoder.outputMetadata.map((m) => (m.isTensor ? m.shape.at(-1) : 0))[0] as number;
  const plane = SIDE * SIDE;
  const pixelsOf = (indices: number[]) => {
    // manga-ocr's input has three equal channels; the oracle recorded one
    const out = new Float32Array(indices.length * 3 * plane);
    indices.forEach((c, b) => {
      const src = tensors.subarray(c * plane, (c + 1) * plane);
      for (let ch = 0; ch < 3; ch++) out.set(src, (b * 3 + ch) * plane);
    });
    return out;
  };

  const verdicts: CropVerdict[] = [];
  for (let start = 0; start < crops.length; start += DEFAULT_BATCH_SIZE_CPU) {
    const batch = crops.slice(start, start + DEFAULT_BATCH_SIZE_CPU).map((_, i) => start + i);
    const hidden = await encode(pixelsOf(batch), batch.length);
    const { tokens } = await decode(decoder.bind(hidden, batch.length), batch.length, { mode: 'beam', vocabSize: vocab }, rowLogSumExp);
    batch.forEach((c, b) => {
      const generate = generatedTokens(crops[c].ids);
      const ours = tokens[b];
      verdicts.push({ crop: crops[c], ours, generate, identical: ours.length === generate.length && ours.every((t, i) => t === generate[i]) });
    });
  }

  for (const [i, v] of verdicts.entries()) {
    if (v.identical) continue;
    const hidden = await encode(pixelsOf([i]), 1);
    const calls: { prefixes: number[][]; logits: Float32Array }[] = [];
    const inner = decoder.bind(hidden, 1);
    const traced: DecoderStep = async (input) => {
      const logits = await inner(input);
      calls.push({ prefixes: input.prefixes.map((p) => [...p]), logits: logits.slice() });
      return logits;
    };
    await decode(traced, 1, { mode: 'beam', vocabSize: vocab }, rowLogSumExp);
    v.minGap = smallestDecidingGap(calls, vocab);
    const scorer = decoder.bind(hidden, 1);
    v.scores = { ours: await sequenceScore(scorer, v.ours, vocab), generate: await sequenceScore(scorer, v.generate, vocab) };
    inner.release?.();
    scorer.release?.();
    v.nearTie = v.minGap < NEAR_TIE || Math.abs(v.scores.ours - v.scores.generate) < NEAR_TIE;
  }
  return verdicts;
}
