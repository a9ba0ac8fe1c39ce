import ort from 'onnxruntime-node';
import { WorkerError } from '../errors.ts';
import type { LoadedModels, Session } from './load-models.ts';
import { MODEL_SESSIONS } from './load-models.ts';
import { manifestEntry, readManifest, type FreeAxis, type Manifest, type ModelEntry, type SizedDim } from './manifest.ts';

/** The free axes at warm-up: one crop, one token (the decoder's start token). */
const WARM_UP_AXES: Record<FreeAxis, number> = { batch: 1, sequence: 1 };
/** manga-ocr's decoder start token, `[CLS]` (kha-white/manga-ocr manga_ocr_dev/training/get_model.py) */
const START_TOKEN = 2n;

const concrete = (dims: readonly SizedDim[]) => dims.map((d) => (typeof d === 'number' ? d : WARM_UP_AXES[d]));
const show = (dims: readonly (number | string)[]) => `[${dims.join(',')}]`;

function tensor(type: string, dims: number[]): ort.Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(size).fill(START_TOKEN), dims);
  if (type === 'bool') return new ort.Tensor('bool', new Uint8Array(size), dims);
  return new ort.Tensor('float32', new Float32Array(size), dims);
}

/**
 * Inputs for one run at the sizes the worker really uses (from the manifest's `sizes`, never 1 for a
 * symbolic dim: the pinned encoder declares every dim symbolic, and [1,1,1,1] fails its first Conv).
 * Inputs the manifest does not know (a KV decoder's cache) get an empty past and 1 elsewhere.
 */
function feeds(session: Session, sizes: ModelEntry['sizes'] = {}): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) continue;
    const known = sizes[meta.name];
    const dims = known
      ? concrete(known)
      : meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : /past/.test(String(d)) ? 0 : 1));
    out[meta.name] = tensor(meta.type, dims);
  }
  return out;
}

/** Runs one model at its concrete sizes and checks every recorded output's real shape. */
async function warmUpOne(session: Session, entry: Pick<ModelEntry, 'file' | 'declared' | 'sizes'>): Promise<void> {
  const sizes = entry.sizes ?? {};
  const inputs = feeds(session, sizes);
  const outputs = (entry.declared?.outputs ?? []).map((t) => t.name);
  let result: Record<string, ort.Tensor>;
  try {
    result = outputs.length ? await session.run(inputs, outputs) : await session.run(inputs);
  } catch (err) {
    const given = Object.entries(inputs).map(([name, t]) => `${name} ${show(t.dims)}`).join(', ');
    const reason = String((err as Error).message ?? err).split('\n')[0];
    throw new WorkerError('MODEL_LOAD', `${entry.file}: warm-up with ${given} failed: ${reason}`, { cause: err });
  }
  for (const name of outputs) {
    const expected = sizes[name];
    const got = result[name].dims;
    if (expected && show(got) !== show(concrete(expected))) {
      throw new WorkerError('MODEL_LOAD', `${entry.file}: ${name} is ${show(got)}, expected ${show(expected)}`);
    }
  }
}

/** one crop, a cap of 3 (start token and two steps): the in-graph search's lazy allocations */
async function warmUpBeamSearch(session: Session): Promise<void> {
  try {
    await session.run({
      pixels: new ort.Tensor('uint8', new Uint8Array(224 * 224), [1, 224, 224]),
      max_length: new ort.Tensor('int32', Int32Array.from([3]), [1]),
    });
  } catch (err) {
    const reason = String((err as Error).message ?? err).split('\n')[0];
    throw new WorkerError('MODEL_LOAD', `kv/manga_ocr_beam_search.onnx: warm-up failed: ${reason}`, { cause: err });
  }
}

/**
 * One run of every session before the first job is taken, so that the first job does not pay for
 * onnxruntime's (and CUDA's) lazy initialisation, and a model of the wrong geometry fails the start
 * with MODEL_LOAD naming the tensor and its size. Returns the milliseconds it took.
 */
export async function warmUp(models: LoadedModels, manifest: Manifest = readManifest()): Promise<number> {
  const t0 = performance.now();
  for (const [key, id] of MODEL_SESSIONS) await warmUpOne(models[key], manifestEntry(manifest, id));
  const withPast = manifest.optional.find((m) => m.id === 'manga-ocr-decoder-with-past');
  if (models.decoderWithPast) await warmUpOne(models.decoderWithPast, { file: withPast?.file ?? 'decoder with past' });
  if (models.decoderKv) {
    // the first step takes what the pinned decoder takes, at its sizes
    await warmUpOne(models.decoderKv.first, { file: 'kv/decoder_model.onnx', sizes: manifestEntry(manifest, 'manga-ocr-decoder').sizes });
    await warmUpOne(models.decoderKv.withPast, { file: 'kv/decoder_with_past_model.onnx' });
  }
  if (models.beamSearch) await warmUpBeamSearch(models.beamSearch);
  return Math.round(performance.now() - t0);
}
