/**
 * The KV-cache decoder gives the pinned plain decoder's tokens: every line crop of the given pages,
 * beam search as Mokuro runs it (4 beams, no-repeat-3, length penalty 2, early stop, cap 300), through
 * `decoder_model.onnx` (the prefix re-run each step) and through `kv/decoder_model.onnx` +
 * `kv/decoder_with_past_model.onnx`, on the same encoder states. Exits 1 on any difference.
 *
 * The Docker build runs it on the real weights (test_input.json's page); here it runs on the
 * faithful replicas (random weights never emit EOS, so a token cap keeps the plain path's O(T²)
 * re-runs affordable).
 *
 *   node --import tsx scripts/check-kv-decoder.ts --models DIR [--detector FILE] [--max-tokens N]
 *        [--batch N] [--min-lines N] PAGE_OR_DIR_OR_TEST_INPUT...
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { MAX_LENGTH } from '../src/recognizer/decoding.ts';
import { compareTokens, graphSearch, jsSearch } from './kv/compare-decoders.ts';
import { cropPageFiles, readPages } from './kv/crop-page-files.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    models: { type: 'string' },
    detector: { type: 'string' },
    'max-tokens': { type: 'string', default: String(MAX_LENGTH - 1) },
    batch: { type: 'string', default: '8' },
    'min-lines': { type: 'string', default: '1' },
    graph: { type: 'string' },
    'no-plain': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const USAGE = `Usage: node --import tsx scripts/check-kv-decoder.ts --models DIR [options] PAGE_OR_DIR_OR_TEST_INPUT...
  --models DIR      encoder_model.onnx, decoder_model.onnx (plain) and kv/ (the KV-cache pair)
  --detector FILE   the detector that finds the lines (default DIR/comictextdetector.pt.onnx)
  --max-tokens N    generated tokens per line at most (default ${MAX_LENGTH - 1}: Mokuro's cap)
  --batch N         crops per decode (default 8)
  --min-lines N     fail when the pages give fewer line crops (default 1)
  --graph FILE      also compare onnxruntime's in-graph beam search (build_beam_search.py) with the
                    worker's search through the KV-cache pair; its differences are reported, not fatal
  --no-plain        skip the plain decoder (with --graph: only the in-graph comparison)
Exits 1 when any line's tokens differ between the plain and the KV-cache decoder.`;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.models || positionals.length === 0) {
  console.error(USAGE);
  process.exit(2);
}
const dir = values.models;
const open = (file: string) => ort.InferenceSession.create(join(dir, file));
const say = (line: string) => console.error(`[check-kv-decoder] ${line}`);

const pages = await cropPageFiles(readPages(positionals), values.detector ?? join(dir, 'comictextdetector.pt.onnx'));
say(`${pages.length} pages, ${pages.reduce((n, p) => n + p.crops.length, 0)} line crops`);
const encoder = await open('encoder_model.onnx');
const kv = { decoder: await open('kv/decoder_model.onnx'), decoderWithPast: await open('kv/decoder_with_past_model.onnx') };
const maxNewTokens = Number(values['max-tokens']);
const decodeOptions = { mode: 'beam' as const, maxNewTokens };
const batch = Number(values.batch);
const kvPath = jsSearch(encoder, kv, decodeOptions, 'kv-split');
const plainPath = values['no-plain'] ? kvPath : jsSearch(encoder, { decoder: await open('decoder_model.onnx') }, decodeOptions, 'plain');
const result = await compareTokens(pages, batch, plainPath, kvPath);
for (const d of result.differences) say(`DIFFERENT ${d.page} line ${d.line}: plain ${d.a.join(' ')} | kv ${d.b.join(' ')}`);
const summary: Record<string, number> = {
  lines: result.lines,
  identical: result.identical,
  different: result.differences.length,
  max_new_tokens: maxNewTokens,
  plain_ms: Math.round(result.a_ms),
  kv_ms: Math.round(result.b_ms),
};
if (values.graph) {
  const graph = await ort.InferenceSession.create(values.graph);
  const g = await compareTokens(pages, batch, kvPath, graphSearch(graph, 1 + maxNewTokens));
  for (const d of g.differences) say(`GRAPH DIFFERS ${d.page} line ${d.line}: js ${d.a.join(' ')} | graph ${d.b.join(' ')}`);
  Object.assign(summary, { graph_identical: g.identical, graph_different: g.differences.length, js_kv_ms: Math.round(g.a_ms), graph_ms: Math.round(g.b_ms) });
}
console.log(JSON.stringify(summary));
const minLines = Number(values['min-lines']);
if (result.lines < minLines) {
  say(`only ${result.lines} line crops (want at least ${minLines}): nothing was compared`);
  process.exit(1);
}
process.exit(result.differences.length === 0 ? 0 : 1);
