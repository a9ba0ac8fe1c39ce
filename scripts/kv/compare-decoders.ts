/**
 * Token-for-token comparison of decoding paths on the same line crops: the worker's own search
 * (src/recognizer/decoding.ts, beam 4 as Mokuro runs it) through the plain decoder (the pinned
 * `decoder_model.onnx`, which re-runs the prefix) and through a KV-cache pair, and onnxruntime's
 * in-graph beam search (src/recognizer/graph-beam-search.ts).
 */
import type { RawImage } from '../../src/image/raw-image.ts';
import { decode, type DecodeOptions } from '../../src/recognizer/decoding.ts';
import { createGraphSearch } from '../../src/recognizer/graph-beam-search.ts';
import { createNativeLogSumExp } from '../../src/recognizer/log-sum-exp.ts';
import { createDecoder, createEncoder } from '../../src/recognizer/manga-ocr-session.ts';
import type { SessionLike } from '../../src/recognizer/session-like.ts';
import { preprocess, preprocessGrey } from '../../src/recognizer/preprocess.ts';
import { PAD_ID } from '../../src/recognizer/tokenizer.ts';

/** crops → generated ids per crop */
export type TokenPath = (crops: readonly RawImage[]) => Promise<number[][]>;

export interface LineDifference {
  page: string;
  line: number;
  a: number[];
  b: number[];
}

export interface Comparison {
  lines: number;
  identical: number;
  differences: LineDifference[];
  a_ms: number;
  b_ms: number;
}

/** Mokuro's BGR-as-RGB grey on RGB crops, as the page OCR runs it (create-session-page-ocr.ts) */
const PRE = { swapRedBlue: true };

/** the worker's search through `decoder` (plain, or a KV pair), with the encoder run here */
export function jsSearch(encoder: SessionLike, sessions: { decoder: SessionLike; decoderWithPast?: SessionLike }, decodeOptions: Partial<DecodeOptions>, expect: 'plain' | 'kv-split'): TokenPath {
  const encode = createEncoder(encoder);
  const decoder = createDecoder(sessions);
  if (decoder.kind !== expect) throw new Error(`decoder detected as ${decoder.kind}, expected ${expect}`);
  const lse = createNativeLogSumExp();
  return async (crops) => {
    const hidden = await encode(preprocess(crops, PRE), crops.length);
    return (await decode(decoder.bind(hidden, crops.length), crops.length, decodeOptions, lse)).tokens;
  };
}

/** onnxruntime's BeamSearch op: encoder and search in one call */
export function graphSearch(session: SessionLike, maxLength: number): TokenPath {
  const search = createGraphSearch(session, maxLength);
  return (crops) => search(preprocessGrey(crops, PRE), crops.length);
}

/**
 * The in-graph search pads finished sequences with [PAD] and graph-beam-search.ts cuts trailing
 * ones, so trailing [PAD]s are cut from both sides before comparing ([PAD] never reaches the text).
 */
const trimmed = (ids: readonly number[]) => {
  let end = ids.length;
  while (end > 0 && ids[end - 1] === PAD_ID) end--;
  return ids.slice(0, end);
};

export async function compareTokens(
  pages: readonly { page: string; crops: readonly RawImage[] }[],
  batchSize: number,
  a: TokenPath,
  b: TokenPath,
): Promise<Comparison> {
  const result: Comparison = { lines: 0, identical: 0, differences: [], a_ms: 0, b_ms: 0 };
  for (const { page, crops } of pages) {
    for (let start = 0; start < crops.length; start += batchSize) {
      const batch = crops.slice(start, start + batchSize);
      let t = performance.now();
      const ta = await a(batch);
      result.a_ms += performance.now() - t;
      t = performance.now();
      const tb = await b(batch);
      result.b_ms += performance.now() - t;
      batch.forEach((_, k) => {
        result.lines++;
        const x = trimmed(ta[k]);
        const y = trimmed(tb[k]);
        if (x.length === y.length && x.every((v, i) => v === y[i])) result.identical++;
        else result.differences.push({ page, line: start + k, a: ta[k], b: tb[k] });
      });
    }
  }
  return result;
}
