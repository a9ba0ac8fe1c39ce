/**
 * The recogniser alone on a fixed crop set (the workload pages' line crops, as the pipeline cuts
 * them from the tiny detector's lines): KV cache vs re-running the prefix, beam vs greedy, batch
 * sizes, and Mokuro's one call per chunk vs our batching. Every line decodes TOKENS_PER_LINE tokens.
 */
import ort from 'onnxruntime-node';
import { pageCrops } from '../../src/crop/page-crops.ts';
import { createDetector } from '../../src/detector/detect-page.ts';
import { decodePageBytes } from '../../src/image/decode-page.ts';
import type { RawImage } from '../../src/image/raw-image.ts';
import { createDecoder, createEncoder } from '../../src/recognizer/manga-ocr-session.ts';
import { createNativeLogSumExp } from '../../src/recognizer/log-sum-exp.ts';
import { createRecognizer } from '../../src/recognizer/recognizer.ts';
import { createGraphSearch } from '../../src/recognizer/graph-beam-search.ts';
import { TOKENS_PER_LINE, benchConfig, decoderSessions, lineFinder, type BenchModels, type LineOutputs } from './bench-setup.ts';
import type { ModelClock } from './model-clock.ts';
import type { WorkloadPage } from './workload.ts';

export interface RecognizerRun {
  label: string;
  /** where the search ran: our loop, or onnxruntime's BeamSearch op (encoder inside) */
  loop: 'js' | 'onnx';
  decoding: 'beam' | 'greedy';
  kv_cache: boolean;
  batch_size: number;
  /** 'batched': one recognise call for all crops; 'per-chunk': one call per crop (Mokuro) */
  calls: 'batched' | 'per-chunk';
  crops: number;
  wall_ms: number;
  encoder_ms: number;
  decoder_ms: number;
  ms_per_line: number;
  lines_per_s: number;
  overhead_ratio: number;
}

/**
 * The crops the pipeline would recognise on these pages, in page order. Also primes `cache` with
 * the tiny detector's outputs, so the timed pipeline run finds them there.
 */
export async function workloadCrops(pages: readonly WorkloadPage[], lines: ort.InferenceSession, cache: LineOutputs): Promise<RawImage[]> {
  const findLines = lineFinder(lines, cache);
  const detector = createDetector(async (tensor, size) => {
    const out = await findLines({ images: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
    return { blk: out.blk.data as Float32Array, seg: out.seg.data as Float32Array, det: out.det.data as Float32Array, size };
  });
  const limits = benchConfig({ decoding: 'beam' }).limits;
  const crops: RawImage[] = [];
  for (const [i, p] of pages.entries()) {
    const { image } = await decodePageBytes(p.bytes, p.name, i, `images[${i}]`, limits);
    const det = await detector.detect(image, { channelOrder: 'bgr' });
    crops.push(...pageCrops(image, det.mask, det.blocks).crops);
  }
  return crops;
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export async function timeRecognizer(
  models: Pick<BenchModels, 'real' | 'kv'>,
  clock: ModelClock,
  crops: readonly RawImage[],
  o: { label: string; decoding: 'beam' | 'greedy'; kvCache: boolean; batchSize: number; calls: 'batched' | 'per-chunk'; loop?: 'js' | 'onnx' },
): Promise<RecognizerRun> {
  const { real } = models;
  const inGraph = o.loop === 'onnx' && real.beamSearch;
  const decoder = createDecoder(decoderSessions(models, o.kvCache, clock));
  const recognizer = createRecognizer({
    encode: createEncoder(clock.wrap(real.encoder, 'encoder')),
    decoder,
    // the in-graph search holds the encoder too: its time is counted as the decoder's
    graphSearch: inGraph ? createGraphSearch(clock.wrap(real.beamSearch!, 'decoder'), 1 + TOKENS_PER_LINE) : undefined,
    vocab: real.vocabText,
    batchSize: o.batchSize,
    decoding: o.decoding,
    decode: { maxNewTokens: TOKENS_PER_LINE },
    swapRedBlue: true,
    rowLogSumExp: createNativeLogSumExp(),
  });
  // warm-up at the batch shape: onnxruntime grows its arena on first use of a shape, a one-off cost
  await recognizer.recogniseWithStats(crops.slice(0, Math.min(o.batchSize, crops.length)));
  clock.reset();
  const t0 = performance.now();
  if (o.calls === 'batched') await recognizer.recogniseWithStats(crops);
  else for (const crop of crops) await recognizer.recogniseWithStats([crop]);
  const wall = performance.now() - t0;
  const m = clock.read();
  return {
    label: o.label,
    loop: inGraph ? 'onnx' : 'js',
    decoding: o.decoding,
    kv_cache: o.kvCache,
    batch_size: o.calls === 'per-chunk' ? 1 : o.batchSize,
    calls: o.calls,
    crops: crops.length,
    wall_ms: round(wall),
    encoder_ms: round(m.encoder ?? 0),
    decoder_ms: round(m.decoder ?? 0),
    ms_per_line: round(wall / crops.length),
    lines_per_s: round((crops.length / wall) * 1000, 2),
    overhead_ratio: round(wall / clock.total(), 3),
  };
}
