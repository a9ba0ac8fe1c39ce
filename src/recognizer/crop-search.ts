/**
 * The contract between the decoding loop (decoding.ts) and the per-crop searches it drives
 * (beam-search.ts, greedy.ts): the options they read and the search each crop runs.
 */
export interface DecodeOptions {
  mode: 'beam' | 'greedy';
  numBeams: number;
  lengthPenalty: number;
  noRepeatNgramSize: number;
  earlyStopping: boolean;
  /** length limit of a sequence, start token included (HF `max_length`) */
  maxLength: number;
  /** hard cap on generated tokens per crop, on top of maxLength */
  maxNewTokens: number;
  vocabSize: number;
  startId: number;
  eosId: number;
}

/** One crop's search, advanced in lockstep with the others. */
export interface CropSearch {
  /** the rows this crop needs next; `parents` index this crop's rows of the previous call */
  rows(): { prefixes: readonly (readonly number[])[]; parents: readonly number[] | null };
  /**
   * read this crop's rows from `logits` starting at `firstRow`; true when the crop is finished.
   * `lse`, when given, holds every row's log-sum-exp (beam search computes it otherwise).
   */
  advance(logits: Float32Array, firstRow: number, lse?: Float32Array): boolean;
  /** generated ids, start token and EOS excluded */
  result(): number[];
}
