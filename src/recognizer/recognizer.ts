import { performance } from 'node:perf_hooks';
import { throwIfCancelled } from '../errors.ts';
import type { RawImage } from '../image/raw-image.ts';
import type { DecoderStep } from './decoder-step.ts';
import { createBufferPool } from './buffer-pool.ts';
import { decode, type DecodeOptions } from './decoding.ts';
import type { RowLogSumExp } from './log-sum-exp.ts';
import { normalise } from './normalise.ts';
import { preprocess } from './preprocess.ts';
import { createTokenizer, type Tokenizer } from './tokenizer.ts';

/** crops per encoder/decoder batch on CPU: batching gains nothing there but fewer decoder calls (our choice, measured: BENCHMARKS.md) */
export const DEFAULT_BATCH_SIZE_CPU = 8;
/** crops per batch on a GPU, where batching is the throughput (our choice, measured: BENCHMARKS.md) */
export const DEFAULT_BATCH_SIZE_GPU = 32;

export interface RecognizerOptions {
  /** pixels `[batch,3,224,224]` → encoder hidden states `[batch,197,768]` */
  encode: (pixels: Float32Array, batch: number) => Promise<Float32Array>;
  /** builds the decoder step for one batch of encoder outputs (see manga-ocr-session.ts) */
  decoder: { bind(hidden: Float32Array, batch: number): DecoderStep };
  /** vocab.txt contents, or a tokenizer made from them */
  vocab: string | Tokenizer;
  batchSize?: number;
  decoding?: 'beam' | 'greedy';
  /** further decoding settings (beams, caps); `decoding` wins over `decode.mode` */
  decode?: Partial<DecodeOptions>;
  /** see PreprocessOptions.swapRedBlue: true reproduces Mokuro's BGR-as-RGB luma on RGB crops */
  swapRedBlue?: boolean;
  /** beam search's per-row log-sum-exp outside JS (createNativeLogSumExp); JS when absent */
  rowLogSumExp?: RowLogSumExp;
}

export interface RecognizerStats {
  crops: number;
  batches: number;
  pre_ms: number;
  encoder_ms: number;
  decoder_ms: number;
  post_ms: number;
  decoder_calls: number;
  decoder_rows: number;
}

export interface Recognizer {
  /**
   * Texts in input order, each already normalised (manga-ocr post_process), with per-stage timings
   * of this call. `signal` is checked between batches, so a cancelled or timed-out job stops within
   * one batch, not after every line of the page.
   */
  recogniseWithStats(crops: readonly RawImage[], signal?: AbortSignal): Promise<{ texts: string[]; stats: RecognizerStats }>;
}

/** longer strips tend to hold more characters, so batching by elongation keeps decode lengths alike */
const elongation = (c: RawImage) => Math.max(c.width, c.height) / Math.max(1, Math.min(c.width, c.height));

export function createRecognizer(options: RecognizerOptions): Recognizer {
  const tokenizer = typeof options.vocab === 'string' ? createTokenizer(options.vocab) : options.vocab;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE_CPU));
  const decodeOptions: Partial<DecodeOptions> = {
    ...options.decode,
    mode: options.decoding ?? options.decode?.mode ?? 'beam',
    vocabSize: tokenizer.vocab.length,
  };
  const pre = { swapRedBlue: options.swapRedBlue ?? false };
  // a batch's pixels go into a reused buffer (fresh memory is slow; buffer-pool.ts)
  const pool = createBufferPool();

  async function recogniseWithStats(crops: readonly RawImage[], signal?: AbortSignal) {
    const stats: RecognizerStats = {
      crops: crops.length, batches: 0, pre_ms: 0, encoder_ms: 0, decoder_ms: 0, post_ms: 0, decoder_calls: 0, decoder_rows: 0,
    };
    const texts = new Array<string>(crops.length).fill('');
    // empty crops read as "" without a model call
    const order = [...crops.keys()]
      .filter((i) => crops[i].width > 0 && crops[i].height > 0)
      .sort((a, b) => elongation(crops[a]) - elongation(crops[b]) || a - b);

    for (let start = 0; start < order.length; start += batchSize) {
      throwIfCancelled(signal);
      const ids = order.slice(start, start + batchSize);
      const batch = ids.map((i) => crops[i]);
      const lease = pool.lease();
      let result: Awaited<ReturnType<typeof decode>>;
      try {
        let t = performance.now();
        const pixels = preprocess(batch, pre, (n) => lease.take('pixels', n, Float32Array));
        stats.pre_ms += performance.now() - t;

        t = performance.now();
        const hidden = await options.encode(pixels, batch.length);
        stats.encoder_ms += performance.now() - t;

        t = performance.now();
        result = await decode(options.decoder.bind(hidden, batch.length), batch.length, decodeOptions, options.rowLogSumExp);
        stats.decoder_ms += performance.now() - t;
      } finally {
        lease.release();
      }
      stats.decoder_calls += result.calls;
      stats.decoder_rows += result.rows;

      const t = performance.now();
      ids.forEach((i, k) => (texts[i] = normalise(tokenizer.decode(result.tokens[k]))));
      stats.post_ms += performance.now() - t;
      stats.batches++;
    }
    return { texts, stats };
  }

  return {
    recogniseWithStats,
  };
}
