/**
 * The setup the benchmark times: the real-size stand-ins (real architectures, random weights)
 * behind the production wiring (createSessionPageOcr, createHandler). Random detector weights find no
 * text, so the detector here is a pair: the real-size network runs (its cost is what we time) and
 * the tiny ink-responsive stand-in supplies the blocks and lines that define the crops. The tiny
 * network's time is counted as *our* overhead, not as model time (a conservative overhead ratio).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { loadConfig, type Config } from '../../src/config.ts';
import { createHandler, type Handler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { loadModels, type LoadedModels } from '../../src/models/load-models.ts';
import { createSessionPageOcr } from '../../src/pipeline/create-session-page-ocr.ts';
import { createDecoder } from '../../src/recognizer/manga-ocr-session.ts';
import { BEAM_SEARCH_FILE, KV_DIR, MODEL_DIRS, replicaModelsDir } from './bench-models.ts';
import type { ModelClock } from './model-clock.ts';

/**
 * Tokens each line decodes: random weights never emit EOS, so every line runs to this cap. The
 * speech-balloon line holds up to about 20 characters; we time the upper end.
 */
export const TOKENS_PER_LINE = 20;

export interface BenchOptions {
  decoding: 'beam' | 'greedy';
  /**
   * false: production's plain decoder, every step re-runs the prefix (the pinned export has no KV
   * decoder); true: the same weights as an optimum KV pair, for the comparison
   */
  kvCache: boolean;
  /** where beam search runs: our JS loop (CPU production) or onnxruntime's BeamSearch op (the GPU configuration) */
  loop?: 'js' | 'onnx';
  batchSize?: number;
  threads?: number;
  tokens?: number;
  clock: ModelClock;
  /** times the tiny line-finding detector's runs that were not primed (a benchmark artefact) */
  standInClock: ModelClock;
  /** the tiny detector's outputs by page tensor (see lineFinder) */
  lineCache: LineOutputs;
}

export function benchConfig(o: { decoding: 'beam' | 'greedy'; batchSize?: number; threads?: number }): Readonly<Config> {
  return loadConfig([], {
    EXECUTION_PROVIDERS: 'cpu',
    OCR_DECODING: o.decoding,
    ...(o.batchSize ? { OCR_BATCH_SIZE: String(o.batchSize) } : {}),
    ...(o.threads ? { ORT_INTRA_OP_THREADS: String(o.threads) } : {}),
  });
}

/** The real-size decoder as a KV pair (decoder emitting present.*, with-past decoder). */
export interface KvPair {
  decoder: ort.InferenceSession;
  decoderWithPast: ort.InferenceSession;
}

export interface BenchModels {
  real: LoadedModels;
  lines: ort.InferenceSession;
  kv: KvPair;
  /** true: the manga-ocr replicas with their KV export (production's KV path); false: generated stand-ins */
  replicas: boolean;
  release(): Promise<void>;
}

/**
 * Open the real-size sessions once; a handler for each setting is then cheap to build. With the
 * replicas (bench-models.ts), their KV export is the KV pair, as in the Docker image, and the
 * in-graph search is loaded too (it runs on CPU here); without them, the generated stand-ins and a
 * generated KV pair.
 */
export async function openBenchModels(threads?: number): Promise<BenchModels> {
  const config = benchConfig({ decoding: 'beam', threads });
  const replicaDir = replicaModelsDir();
  const dir = replicaDir ?? MODEL_DIRS.real;
  const decoderLoop = replicaDir && existsSync(join(dir, BEAM_SEARCH_FILE)) ? 'onnx' : 'js';
  const real = await loadModels({ ...config.models, dir, decoderLoop }, silentLogger());
  const options = { intraOpNumThreads: config.models.intraOpThreads || availableParallelism() };
  const lines = await ort.InferenceSession.create(`${MODEL_DIRS.tiny}/comictextdetector.pt.onnx`, options);
  const own = real.decoderKv
    ? undefined
    : {
        decoder: await ort.InferenceSession.create(`${KV_DIR}/decoder_model.onnx`, options),
        decoderWithPast: await ort.InferenceSession.create(`${KV_DIR}/decoder_with_past_model.onnx`, options),
      };
  const kv = real.decoderKv ? { decoder: real.decoderKv.first, decoderWithPast: real.decoderKv.withPast } : own!;
  const release = async () => {
    await Promise.all([real.release(), lines.release(), own?.decoder.release(), own?.decoderWithPast.release()]);
  };
  return { real, lines, kv, replicas: Boolean(replicaDir), release };
}

/**
 * The decoder sessions a run uses: the pinned plain decoder, or the KV pair. Checks that the
 * recogniser will really take that path (createDecoder picks it from the sessions' I/O).
 */
export function decoderSessions(models: Pick<BenchModels, 'real' | 'kv'>, kvCache: boolean, clock: ModelClock) {
  const sessions = kvCache
    ? { decoder: clock.wrap(models.kv.decoder, 'decoder'), decoderWithPast: clock.wrap(models.kv.decoderWithPast, 'decoder') }
    : { decoder: clock.wrap(models.real.decoder, 'decoder'), decoderWithPast: undefined };
  const kind = createDecoder(sessions).kind;
  if ((kind === 'plain') === kvCache) throw new Error(`benchmark: expected the ${kvCache ? 'KV' : 'plain'} decoder path, the sessions give ${kind}`);
  return sessions;
}

/** a cheap fingerprint of a letterboxed page tensor: the same page always letterboxes the same */
function fingerprint(data: Float32Array): string {
  let h = 0;
  for (let i = 0; i < data.length; i += FINGERPRINT_STRIDE) h = (Math.imul(h, 31) + Math.round(data[i] * 255)) | 0;
  return `${data.length}:${h}`;
}
/** every 997th value (a prime, so rows and channels do not alias) */
const FINGERPRINT_STRIDE = 997;

export type LineOutputs = Map<string, Record<string, ort.Tensor>>;

/**
 * The tiny detector's outputs for each page tensor, computed before timing (primeLines) so the
 * timed run carries no benchmark artefact: only the real-size run, whose outputs are dropped.
 */
export function lineFinder(lines: ort.InferenceSession, cache: LineOutputs) {
  return async (feeds: Record<string, ort.Tensor>) => {
    const key = fingerprint(feeds.images.data as Float32Array);
    let out = cache.get(key);
    if (!out) {
      out = await lines.run(feeds);
      cache.set(key, out);
    }
    return out;
  };
}

/** The real-size detector's cost with the tiny detector's outputs. */
function pairedDetector(real: ort.InferenceSession, findLines: ReturnType<typeof lineFinder>): ort.InferenceSession {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'run') return Reflect.get(target, prop, receiver);
      return async (feeds: Record<string, ort.Tensor>, fetches: readonly string[]) => {
        await target.run(feeds, fetches); // the cost, outputs copied as in production; then dropped
        return findLines(feeds);
      };
    },
  });
}

export function benchHandler(models: BenchModels, o: BenchOptions): Handler {
  const { real, lines } = models;
  const { clock } = o;
  const timed: LoadedModels = {
    ...real,
    detector: pairedDetector(clock.wrap(real.detector, 'detector'), lineFinder(o.standInClock.wrap(lines, 'lines stand-in'), o.lineCache)),
    encoder: clock.wrap(real.encoder, 'encoder'),
    ...decoderSessions(models, o.kvCache, clock),
    decoderKv: undefined,
    beamSearch: o.loop === 'onnx' && real.beamSearch ? clock.wrap(real.beamSearch, 'encoder+decoder (in-graph search)') : undefined,
  };
  if (o.loop === 'onnx' && !real.beamSearch) throw new Error('the GPU configuration needs kv/manga_ocr_beam_search.onnx beside the replicas');
  const config = benchConfig(o);
  const ocr = createSessionPageOcr(timed, config, { decode: { maxNewTokens: o.tokens ?? TOKENS_PER_LINE }, pageCacheEntries: 0 });
  return createHandler({ worker: Promise.resolve({ ocr, models: [] }), config, log: silentLogger() });
}
