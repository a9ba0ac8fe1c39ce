import { performance } from 'node:perf_hooks';
import type { Config } from '../config.ts';
import type { MokuroBlock } from '../contract/mokuro.ts';
import { lineTexts, pageCrops } from '../crop/page-crops.ts';
import { createDetector } from '../detector/detect-page.ts';
import { createDetectorRun } from '../detector/detector-session.ts';
import { WorkerError, isWorkerError, throwIfCancelled } from '../errors.ts';
import { decoderSessions } from '../models/decoder-sessions.ts';
import type { LoadedModels } from '../models/load-models.ts';
import { createDecoder, createEncoder } from '../recognizer/manga-ocr-session.ts';
import type { DecodeOptions } from '../recognizer/decoding.ts';
import { createNativeLogSumExp } from '../recognizer/log-sum-exp.ts';
import { createGraphSearch } from '../recognizer/graph-beam-search.ts';
import { DEFAULT_DECODE_OPTIONS } from '../recognizer/decoding.ts';
import { DEFAULT_BATCH_SIZE_CPU, DEFAULT_BATCH_SIZE_GPU, createRecognizer, type Recognizer } from '../recognizer/recognizer.ts';
import type { ProcessOptions } from '../contract/input.ts';
import type { RawImage } from '../image/raw-image.ts';
import { createCropBatcher, type CropTicket } from './crop-batcher.ts';
import { withPageCache } from './page-cache.ts';
import type { PageOcr, PageResult } from './page-ocr.ts';

/** A model call that failed is an INFERENCE error of this page, not a crash of the job. */
async function inference<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isWorkerError(err)) throw err;
    throw new WorkerError('INFERENCE', `${what} failed`, { cause: err });
  }
}

/**
 * Mokuro's page OCR on the loaded sessions: detect blocks and lines, crop and chunk every line,
 * recognise all crops of the page in batches, and put the texts back per line.
 */
export function createSessionPageOcr(
  models: LoadedModels,
  config: Readonly<Config>,
  tuning: {
    /** decoding settings beyond the mode (the benchmark caps tokens: random weights never emit EOS) */
    decode?: Partial<DecodeOptions>;
    /** pages remembered by content (page-cache.ts); default: PAGE_CACHE_ENTRIES from config, 0 = off */
    pageCacheEntries?: number;
  } = {},
): PageOcr {
  const { decode = {}, pageCacheEntries = config.ocr.pageCacheEntries } = tuning;
  const detector = createDetector(createDetectorRun(models.detector));
  const onGpu = models.info.providers.encoder !== 'cpu';
  const encode = createEncoder(models.encoder);
  const decoder = createDecoder(decoderSessions(models));
  const rowLogSumExp = createNativeLogSumExp();
  // the in-graph search is loaded only where it runs (load-models.ts); greedy stays in JS
  const maxLength = Math.min(decode.maxLength ?? DEFAULT_DECODE_OPTIONS.maxLength, 1 + (decode.maxNewTokens ?? Infinity));
  const graphSearch = models.beamSearch ? createGraphSearch(models.beamSearch, maxLength) : undefined;
  const recognizers = new Map<'beam' | 'greedy', Recognizer>();
  const recognizer = (mode: 'beam' | 'greedy') => {
    let r = recognizers.get(mode);
    if (!r) {
      r = createRecognizer({
        encode,
        decoder,
        vocab: models.vocabText,
        batchSize: config.ocr.batchSize || (onGpu ? DEFAULT_BATCH_SIZE_GPU : DEFAULT_BATCH_SIZE_CPU),
        decoding: mode,
        decode,
        // Mokuro hands BGR crops to PIL as RGB: reading our RGB crops swapped gives the same grey
        swapRedBlue: true,
        rowLogSumExp,
        graphSearch,
      });
      recognizers.set(mode, r);
    }
    return r;
  };
  // built now, not on the first page: a vocab of the wrong size fails the start, not a job
  recognizer(config.ocr.decoding);
  const batcher = createCropBatcher(recognizer);

  const ocr: PageOcr = {
    providers: models.info.providers,
    standIn: models.info.standIn,
    decoder: { path: graphSearch || decoder.kind !== 'plain' ? 'kv' : 'plain', layout: graphSearch ? 'beam-search-op' : decoder.kind, loop: graphSearch ? 'onnx' : 'js' },
    weights: models.info.weights,
    async processPage(image, options, signal) {
      // announced before detection, so a page in flight behind this one merges its crops with ours
      const ticket = batcher.expect();
      try {
        return await ocrPage(image, options, ticket, signal);
      } finally {
        ticket.cancel();
      }
    },
  };
  return pageCacheEntries > 0 ? withPageCache(ocr, pageCacheEntries) : ocr;

  async function ocrPage(image: RawImage, options: ProcessOptions, ticket: CropTicket, signal?: AbortSignal): Promise<PageResult> {
    const det = await inference('text detection', () =>
      detector.detect(image, { channelOrder: options.detector_channels ?? 'bgr', tile: options.tile_tall_pages, signal }),
    );
    throwIfCancelled(signal);
    const t0 = performance.now();
    const { crops, spans } = pageCrops(image, det.mask, det.blocks);
    const crop_ms = performance.now() - t0;
    const { texts, stats } = await inference('text recognition', () =>
      ticket.recognise(crops, options.decoding ?? config.ocr.decoding, signal),
    );
    const t1 = performance.now();
    const perBlock = lineTexts(det.blocks.length, spans, texts);
    const blocks: MokuroBlock[] = det.blocks.map((b, i) => ({
      box: b.box,
      vertical: b.vertical,
      font_size: b.font_size,
      lines_coords: b.lines,
      lines: perBlock[i],
    }));
    const assembly_ms = performance.now() - t1;
    return {
      blocks,
      lines: spans.length,
      timings: {
        detector_pre: det.timings.pre_ms,
        detector_run: det.timings.run_ms,
        detector_post: det.timings.post_ms,
        crop: crop_ms,
        recognizer_pre: stats.pre_ms,
        encoder: stats.encoder_ms,
        decoder: stats.decoder_ms,
        recognizer_post: stats.post_ms,
        assembly: assembly_ms,
      },
    };
  }
}
