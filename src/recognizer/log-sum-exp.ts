/**
 * log Σ exp over each row of the decoder's logits, in onnxruntime instead of JavaScript. Beam search
 * needs it for every live row each step (6144 exps a row); in JS that was the largest share of our
 * own time per page (profiled in BENCHMARKS.md), in ORT's vectorised kernel it is a fraction of a ms.
 * Float32, like HF's log_softmax; ORT subtracts the row maximum first, so large logits do not overflow.
 */
import ort from 'onnxruntime-node';

/**
 * ONNX graph `logits [rows, vocab]` → `lse [rows]` = ReduceLogSumExp(axes=[1], keepdims=0), opset 17,
 * encoded once with scripts/onnx/graph-builder.ts (255 bytes).
 */
const MODEL_BASE64 =
  'CAgSIG1va3Vyby13b3JrZXIgc3RhbmQtaW4gZ2VuZXJhdG9yOtIBClwKBmxvZ2l0cxIPcmVkdWNlbG9nc3VtZXhwGhFuX1JlZHVjZUxvZ1N1bUV4cCIPUmVkdWNlTG9nU3VtRXhwKgwKBGF4ZXNCAQGgAQcqDwoIa2VlcGRpbXMYAKABAgonCg9yZWR1Y2Vsb2dzdW1leHASA2xzZRoFbl9vdXQiCElkZW50aXR5Eg9yb3ctbG9nLXN1bS1leHBaIQoGbG9naXRzEhcKFQgBEhEKBhIEcm93cwoHEgV2b2NhYmIVCgNsc2USDgoMCAESCAoGEgRyb3dzQgQKABAR';

/** per-row log-sum-exp of `[rows, vocab]` logits */
export type RowLogSumExp = (logits: Float32Array, rows: number, vocab: number) => Promise<Float32Array>;

export function createNativeLogSumExp(): RowLogSumExp {
  let session: Promise<ort.InferenceSession> | undefined;
  return async (logits, rows, vocab) => {
    // one thread: the op is tiny, and a thread pool of its own would only compete with the models'
    session ??= ort.InferenceSession.create(Buffer.from(MODEL_BASE64, 'base64'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const input = logits.length === rows * vocab ? logits : logits.subarray(0, rows * vocab);
    const out = await (await session).run({ logits: new ort.Tensor('float32', input, [rows, vocab]) }, ['lse']);
    return out.lse.data as Float32Array;
  };
}
