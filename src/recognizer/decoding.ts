import type { DecoderStep } from './decoder-step.ts';
import type { RowLogSumExp } from './log-sum-exp.ts';
import { createBeamSearch } from './beam-search.ts';
import { createGreedySearch } from './greedy.ts';
import type { DecodeOptions } from './crop-search.ts';
import { EOS_ID, START_ID, VOCAB_SIZE } from './tokenizer.ts';

export type { DecodeOptions } from './crop-search.ts';

/** number of beams (kha-white/manga-ocr manga_ocr_dev/training/get_model.py get_model `num_beams=4`; Hugging Face yifever/manga-ocr generation_config.json) */
const NUM_BEAMS = 4;
/** length penalty exponent (manga_ocr_dev/training/get_model.py get_model `length_penalty=2.0`) */
const LENGTH_PENALTY = 2.0;
/** no repeated n-grams of this size (manga_ocr_dev/training/get_model.py get_model `no_repeat_ngram_size=3`) */
const NO_REPEAT_NGRAM_SIZE = 3;
/** stop once num_beams hypotheses are finished (manga_ocr_dev/training/get_model.py get_model `early_stopping=True`) */
const EARLY_STOPPING = true;
/** maximum sequence length, start token included (kha-white/manga-ocr manga_ocr/ocr.py `generate(..., max_length=300)`) */
const MAX_LENGTH = 300;

export const DEFAULT_DECODE_OPTIONS: Readonly<DecodeOptions> = Object.freeze({
  mode: 'beam',
  numBeams: NUM_BEAMS,
  lengthPenalty: LENGTH_PENALTY,
  noRepeatNgramSize: NO_REPEAT_NGRAM_SIZE,
  earlyStopping: EARLY_STOPPING,
  maxLength: MAX_LENGTH,
  maxNewTokens: MAX_LENGTH - 1,
  vocabSize: VOCAB_SIZE,
  startId: START_ID,
  eosId: EOS_ID,
});

export interface DecodeResult {
  /** per crop, generated ids without the start token and EOS */
  tokens: number[][];
  /** decoder calls made, and rows summed over them */
  calls: number;
  rows: number;
}

/**
 * Decode `cropCount` crops at once: every call of `step` carries all live rows of all unfinished
 * crops; a finished crop leaves the batch at once. Each crop's result equals decoding it alone.
 */
export async function decode(
  step: DecoderStep,
  cropCount: number,
  options: Partial<DecodeOptions> = {},
  /** computes the rows' log-sum-exp for beam search outside JS (see log-sum-exp.ts) */
  rowLogSumExp?: RowLogSumExp,
): Promise<DecodeResult> {
  const opts: DecodeOptions = { ...DEFAULT_DECODE_OPTIONS, ...options };
  const maxLength = Math.min(opts.maxLength, 1 + opts.maxNewTokens);
  const settings = { ...opts, maxLength };
  const make = opts.mode === 'greedy' ? createGreedySearch : createBeamSearch;
  const searches = Array.from({ length: cropCount }, () => make(settings));
  let active = searches.map((search, crop) => ({ search, crop, firstRow: 0 }));
  let first = true;
  let calls = 0;
  let totalRows = 0;
  try {
    while (active.length > 0) {
      const prefixes: (readonly number[])[] = [];
      const crops: number[] = [];
      const parents: number[] | null = first ? null : [];
      for (const a of active) {
        const r = a.search.rows();
        const previousFirst = a.firstRow;
        a.firstRow = prefixes.length;
        r.prefixes.forEach((p, i) => {
          prefixes.push(p);
          crops.push(a.crop);
          if (parents) parents.push(previousFirst + (r.parents ? r.parents[i] : 0));
        });
      }
      const logits = await step({ prefixes, crops, parents });
      if (logits.length !== prefixes.length * opts.vocabSize) {
        throw new Error(`decoder returned ${logits.length} logits for ${prefixes.length} rows × ${opts.vocabSize}`);
      }
      calls++;
      totalRows += prefixes.length;
      const lse = opts.mode === 'beam' && rowLogSumExp ? await rowLogSumExp(logits, prefixes.length, opts.vocabSize) : undefined;
      // a finished crop leaves the batch here, so later calls carry only live rows
      active = active.filter((a) => !a.search.advance(logits, a.firstRow, lse));
      first = false;
    }
  } finally {
    step.release?.();
  }
  return { tokens: searches.map((s) => s.result()), calls, rows: totalRows };
}
