import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import type { Config, ProviderName } from '../config.ts';
import { WorkerError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ioMismatches } from './check-io.ts';
import { manifestEntry, readManifest, type Manifest } from './manifest.ts';
import { openWithFallback, type CreateSession } from './providers.ts';
import { verifyModelFiles, type VerifiedFile } from './verify-files.ts';

export type Session = ort.InferenceSession;

export interface LoadedModels {
  detector: Session;
  encoder: Session;
  decoder: Session;
  /** the KV-cache decoder beside a `decoder` that outputs `present.*` (optimum's split layout) */
  decoderWithPast?: Session;
  /**
   * A KV-cache decoder pair for the pinned weights (kv/, exported at image build and checked
   * against the pinned plain decoder; see docker/kv-decoder/): its first step outputs `present.*`,
   * which the pinned `decoder_model.onnx` does not.
   */
  decoderKv?: { first: Session; withPast: Session };
  /** the whole beam search in one model (DECODER_LOOP; src/recognizer/graph-beam-search.ts) */
  beamSearch?: Session;
  vocabText: string;
  info: {
    dir: string;
    files: VerifiedFile[];
    standIn: boolean;
    weights: ModelWeights;
    /** the provider each session really runs on */
    providers: Record<string, ProviderName>;
    load_ms: number;
  };
  release(): Promise<void>;
}

type ModelsConfig = Config['models'];

/** The sessions every models folder must have, by their manifest ids. */
export const MODEL_SESSIONS = [
  ['detector', 'comic-text-detector'],
  ['encoder', 'manga-ocr-encoder'],
  ['decoder', 'manga-ocr-decoder'],
] as const;

/**
 * Which weights answer: `real` (every file has its pinned sha256), `stand-in` (generated, in a folder
 * marked as such) or `unverified` (MODELS_VERIFY=off and some file differs from its pin: a user's own
 * export, or replicas made for the parity checks).
 */
export type ModelWeights = 'real' | 'stand-in' | 'unverified';

/**
 * Find, verify and open every model once. Each session tries the configured providers in order;
 * a fallback is logged loudly and, with REQUIRE_GPU, fails the start.
 */
export async function loadModels(
  config: ModelsConfig,
  log: Logger,
  create: CreateSession<Session> = (file, options) => ort.InferenceSession.create(file, options),
  manifest: Manifest = readManifest(),
): Promise<LoadedModels> {
  const t0 = performance.now();
  // onnxruntime prints its own red error for every GPU provider it cannot load; we log each
  // fallback with its reason instead, and let its messages through only when debugging
  ort.env.logLevel = log.isLevelEnabled('debug') ? 'warning' : 'fatal';
  const { files, standIn } = await verifyModelFiles(config.dir, manifest, config.verify);
  const weights: ModelWeights = standIn ? 'stand-in' : files.every((f) => f.verified) ? 'real' : 'unverified';
  if (standIn) {
    log.warn({ dir: config.dir }, 'using generated STAND-IN models: detection and text are not real OCR');
  } else if (weights === 'unverified') {
    const differ = files.filter((f) => !f.verified).map((f) => f.file);
    log.warn({ dir: config.dir, files: differ }, `MODELS_VERIFY=off: ${differ.join(', ')} do not match the pinned sha256; running UNVERIFIED models (results say models: "unverified")`);
  }
  const opts = {
    providers: config.providers,
    deviceId: config.deviceId,
    intraOpThreads: config.intraOpThreads || availableParallelism(),
  };
  const providers: Record<string, ProviderName> = {};
  const sessions: Partial<Record<(typeof MODEL_SESSIONS)[number][0] | 'decoderWithPast' | 'decoderKvFirst' | 'decoderKvWithPast' | 'beamSearch', Session>> = {};

  const unavailable = new Map<ProviderName, string>();
  const open = async (key: keyof typeof sessions, file: string) => {
    const opened = await openWithFallback(file, opts, create, unavailable).catch((err: Error) => {
      throw new WorkerError('MODEL_LOAD', err.message, { cause: err });
    });
    for (const f of opened.failures) {
      log.warn({ model: key, provider: f.provider, reason: f.reason }, `${key}: provider ${f.provider} unavailable, falling back`);
    }
    if (config.requireGpu && opened.provider === 'cpu') {
      await opened.session.release();
      const why = opened.failures.map((f) => `${f.provider}: ${f.reason}`).join('; ') || 'no GPU provider configured';
      throw new WorkerError('MODEL_LOAD', `REQUIRE_GPU is set but ${key} could only run on cpu (${why})`);
    }
    log.info({ model: key, provider: opened.provider }, `${key} runs on ${opened.provider}`);
    providers[key] = opened.provider;
    sessions[key] = opened.session;
    return opened.session;
  };

  try {
    for (const [key, id] of MODEL_SESSIONS) {
      const entry = manifestEntry(manifest, id);
      const session = await open(key, path.join(config.dir, entry.file));
      const problems = [
        ...ioMismatches('input', session.inputMetadata, entry.declared?.inputs, entry.sizes),
        ...ioMismatches('output', session.outputMetadata, entry.declared?.outputs, entry.sizes),
      ];
      if (problems.length > 0) throw new WorkerError('MODEL_LOAD', `${entry.file} is not the expected model: ${problems.join('; ')}`);
    }
    const optional = (id: string) => {
      const entry = manifest.optional.find((m) => m.id === id);
      return entry && existsSync(path.join(config.dir, entry.file)) ? path.join(config.dir, entry.file) : undefined;
    };
    const withPast = optional('manga-ocr-decoder-with-past');
    if (withPast) await open('decoderWithPast', withPast);
    const kvFirst = optional('manga-ocr-decoder-kv-first');
    const kvWithPast = optional('manga-ocr-decoder-kv-with-past');
    if (Boolean(kvFirst) !== Boolean(kvWithPast)) {
      throw new WorkerError('MODEL_LOAD', `the KV-cache decoder needs both kv/decoder_model.onnx and kv/decoder_with_past_model.onnx in ${config.dir}, found one`);
    }
    if (kvFirst && kvWithPast) {
      await open('decoderKvFirst', kvFirst);
      await open('decoderKvWithPast', kvWithPast);
    }
    // the in-graph loop holds its own copy of the weights: opened only where it will run
    const beamSearch = optional('manga-ocr-beam-search');
    const wantLoop = config.decoderLoop === 'onnx' || (config.decoderLoop === 'auto' && providers.encoder !== 'cpu');
    if (config.decoderLoop === 'onnx' && !beamSearch) {
      throw new WorkerError('MODEL_LOAD', `DECODER_LOOP=onnx needs kv/manga_ocr_beam_search.onnx in ${config.dir} (built with the Docker image)`);
    }
    if (beamSearch && wantLoop) await open('beamSearch', beamSearch);
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s?.release()));
    throw err;
  }

  const vocabFile = path.join(config.dir, manifestEntry(manifest, 'manga-ocr-vocab').file);
  const vocabText = readFileSync(vocabFile, 'utf8');
  const load_ms = Math.round(performance.now() - t0);
  log.info({ load_ms, providers, weights }, 'models loaded');
  return {
    detector: sessions.detector!,
    encoder: sessions.encoder!,
    decoder: sessions.decoder!,
    decoderWithPast: sessions.decoderWithPast,
    beamSearch: sessions.beamSearch,
    decoderKv: sessions.decoderKvFirst && sessions.decoderKvWithPast ? { first: sessions.decoderKvFirst, withPast: sessions.decoderKvWithPast } : undefined,
    vocabText,
    info: { dir: config.dir, files, standIn, weights, providers, load_ms },
    release: async () => {
      await Promise.all(Object.values(sessions).map((s) => s?.release()));
    },
  };
}
