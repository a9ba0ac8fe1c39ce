import { tinyModelsDir } from '../../scripts/onnx/stand-in-fixture.ts';
import { loadConfig } from '../../src/config.ts';
import { createHandler, type Handler } from '../../src/handler/create-handler.ts';
import { silentLogger } from '../../src/logger.ts';
import { loadModels, type LoadedModels } from '../../src/models/load-models.ts';
import { createSessionPageOcr } from '../../src/pipeline/create-session-page-ocr.ts';

/**
 * The real handler over real onnxruntime sessions of the tiny stand-in models (greedy decoding, CPU,
 * no page cache).
 * `wrap` may replace the loaded sessions before the page OCR is built, e.g. to inject faults.
 */
export async function standInHandler(
  env: Record<string, string> = {},
  wrap: (models: LoadedModels) => LoadedModels = (m) => m,
): Promise<{ handler: Handler; models: LoadedModels }> {
  // no page cache: fault tests send the same pages again and expect the models to run again
  const config = loadConfig([], { EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy', ORT_INTRA_OP_THREADS: '1', PAGE_CACHE_ENTRIES: '0', ...env });
  const log = silentLogger();
  const models = wrap(await loadModels({ ...config.models, dir: tinyModelsDir() }, log));
  const ocr = createSessionPageOcr(models, config);
  return { handler: createHandler({ worker: Promise.resolve({ ocr, models: [] }), config, log }), models };
}
