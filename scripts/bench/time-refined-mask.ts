/**
 * What the refined text mask costs and where it cuts: runs the detector stand-in (the parity
 * replicas' comictextdetector.pt.onnx) on pages, then times `refinedTextMask` (median of 5) and
 * prints the long lines' chunk sizes. Usage: npx tsx scripts/bench/time-refined-mask.ts PAGE...
 * (`--size WxH` resizes every page first, e.g. 1200x1700).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { pageCrops } from '../../src/crop/page-crops.ts';
import { createDetector } from '../../src/detector/detect-page.ts';
import { refinedTextMask } from '../../src/detector/refined-text-mask.ts';
import type { RawImage } from '../../src/image/raw-image.ts';

const MODEL = '.cache/replicas/small/comictextdetector.pt.onnx';
const RUNS = 5;

const args = process.argv.slice(2);
const sizeAt = args.indexOf('--size');
const size = sizeAt >= 0 ? args.splice(sizeAt, 2)[1].split('x').map(Number) : null;

const session = await ort.InferenceSession.create(MODEL);
const detector = createDetector(async (tensor, s) => {
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', tensor, [1, 3, s, s]) });
  const [blk, seg, det] = session.outputNames.map((n) => out[n].data as Float32Array);
  return { blk, seg, det, size: s };
});

for (const file of args) {
  let img = sharp(readFileSync(file)).removeAlpha().toColourspace('srgb');
  if (size) img = img.resize(size[0], size[1], { fit: 'fill' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const page: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  const det = await detector.detect(page, { channelOrder: 'bgr', tile: false });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    refinedTextMask(page, det.mask, det.blocks.map((b) => b.box));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const t0 = performance.now();
  const { crops, spans } = pageCrops(page, det.mask, det.blocks);
  const cropMs = performance.now() - t0;
  const long = spans.filter((s) => s.count > 1).map((s) => crops.slice(s.first, s.first + s.count).map((c) => `${c.width}x${c.height}`).join(' + '));
  console.log(
    `${basename(file)} ${page.width}x${page.height}: ${det.blocks.length} blocks; refinedTextMask median ${times[RUNS >> 1].toFixed(1)} ms` +
      ` (min ${times[0].toFixed(1)}); pageCrops ${cropMs.toFixed(1)} ms; long lines: ${long.length ? long.join('; ') : 'none'}`,
  );
}
