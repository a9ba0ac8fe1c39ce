/**
 * Token-for-token comparison of two decoder paths on the same encoder states: the worker's own
 * search (src/recognizer/decoding.ts, beam 4 as Mokuro runs it) through the plain decoder (the
 * pinned `decoder_model.onnx`, which re-runs the prefix) and through a KV-cache pair.
 */
import type { RawImage } from '../../src/image/raw-image.ts';
import { decode, type DecodeOptions } from '../../src/recognizer/decoding.ts';
import { createNativeLogSumExp } from '../../src/recognizer/log-sum-exp.ts';
import { createDecoder, createEncoder, type SessionLike } from '../../src/recognizer/manga-ocr-session.ts';
import { preprocess } from '../../src/recognizer/preprocess.ts';

export interface DecoderPaths {
  encoder: SessionLike;
  plain: SessionLike;
  kv: { first: SessionLike; withPast: SessionLike };
}

export interface LineComparison {
  page: string;
  line: number;
  plain: number[];
  kv: number[];
}

export interface Comparison {
  lines: number;
  identical: number;
  differences: LineComparison[];
  plain_decoder_ms: number;
  kv_decoder_ms: number;
}

export async function compareDecoders(
  paths: DecoderPaths,
  pages: readonly { page: string; crops: readonly RawImage[] }[],
  options: { decode: Partial<DecodeOptions>; batchSize: number },
): Promise<Comparison> {
  const encode = createEncoder(paths.encoder);
  const plain = createDecoder({ decoder: paths.plain });
  const kv = createDecoder({ decoder: paths.kv.first, decoderWithPast: paths.kv.withPast });
  if (plain.kind !== 'plain') throw new Error(`the plain decoder was detected as ${plain.kind}`);
  if (kv.kind !== 'kv-split') throw new Error(`the KV-cache pair was detected as ${kv.kind}, not kv-split`);
  const lse = createNativeLogSumExp();
  const result: Comparison = { lines: 0, identical: 0, differences: [], plain_decoder_ms: 0, kv_decoder_ms: 0 };
  for (const { page, crops } of pages) {
    for (let start = 0; start < crops.length; start += options.batchSize) {
      const batch = crops.slice(start, start + options.batchSize);
      // Mokuro's BGR-as-RGB grey on RGB crops, as the engine runs it (ocr-engine.ts)
      const hidden = await encode(preprocess(batch, { swapRedBlue: true }), batch.length);
      let t = performance.now();
      const a = await decode(plain.bind(hidden, batch.length), batch.length, options.decode, lse);
      result.plain_decoder_ms += performance.now() - t;
      t = performance.now();
      const b = await decode(kv.bind(hidden, batch.length), batch.length, options.decode, lse);
      result.kv_decoder_ms += performance.now() - t;
      batch.forEach((_, k) => {
        result.lines++;
        const same = a.tokens[k].length === b.tokens[k].length && a.tokens[k].every((v, i) => v === b.tokens[k][i]);
        if (same) result.identical++;
        else result.differences.push({ page, line: start + k, plain: a.tokens[k], kv: b.tokens[k] });
      });
    }
  }
  return result;
}
