/**
 * The contract between the decoding loops and a decoder model. The loops are pure; they only call
 * a `DecoderStep`, so tests script logits and the ONNX wiring lives in one file
 * (`manga-ocr-session.ts`).
 */

export interface DecoderStepInput {
  /** one token prefix per row, all of the same length T (start token included) */
  prefixes: readonly (readonly number[])[];
  /** for each row, the crop (index into the batch the step was bound to) whose image it reads */
  crops: readonly number[];
  /**
   * for each row, the row of the previous call whose prefix it extends by one token (a KV cache is
   * reordered along this); `null` on the first call of a decode
   */
  parents: readonly number[] | null;
}

/**
 * Logits of the last position for every row, `[rows, vocab]` row-major. The array may be reused by
 * the next call, so read it before calling again. `release`, when present, is called once the
 * decode is over (the step's buffers go back to a pool).
 */
export type DecoderStep = ((input: DecoderStepInput) => Promise<Float32Array>) & { release?: () => void };
