import ort from 'onnxruntime-node';
import type { LoadedModels, Session } from './load-models.ts';

/** The smallest real inputs of each session: the first run pays for lazy allocations, not a job. */
function feeds(session: Session): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) continue;
    // dynamic axes: batch 1, sequence 1, past length 0; fixed axes as declared
    const dims = meta.shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : /past/.test(String(d)) ? 0 : i === 0 ? 1 : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'int64') out[meta.name] = new ort.Tensor('int64', new BigInt64Array(size).fill(2n), dims);
    else if (meta.type === 'bool') out[meta.name] = new ort.Tensor('bool', new Uint8Array(size), dims);
    else out[meta.name] = new ort.Tensor('float32', new Float32Array(size), dims);
  }
  return out;
}

/**
 * One run of every session before the first job is taken, so that the first job does not pay for
 * onnxruntime's (and CUDA's) lazy initialisation. Returns the milliseconds it took.
 */
export async function warmUp(models: LoadedModels): Promise<number> {
  const t0 = performance.now();
  for (const session of [models.detector, models.encoder, models.decoder, models.decoderWithPast, models.decoderKv?.first, models.decoderKv?.withPast]) {
    if (session) await session.run(feeds(session));
  }
  return Math.round(performance.now() - t0);
}
