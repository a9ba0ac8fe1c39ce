/**
 * Line crops of pages as the pipeline cuts them: decode, detect with the given detector session,
 * chunk every line (src/crop/page-crops.ts). Pages are PNG/JPEG files, folders of them, or a
 * RunPod test input (`test_input.json`, whose `input.image` is base64).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import ort from 'onnxruntime-node';
import { loadConfig } from '../../src/config.ts';
import { pageCrops } from '../../src/crop/page-crops.ts';
import { createDetector } from '../../src/detector/detect-page.ts';
import { decodePageBytes } from '../../src/image/decode-page.ts';
import type { RawImage } from '../../src/image/raw-image.ts';

const IMAGE = /\.(png|jpe?g|webp)$/i;

export interface PageFile {
  name: string;
  bytes: Buffer;
}

export function readPages(paths: readonly string[]): PageFile[] {
  const pages: PageFile[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).filter((n) => IMAGE.test(n)).sort()) pages.push({ name: f, bytes: readFileSync(join(p, f)) });
    } else if (p.endsWith('.json')) {
      const image = (JSON.parse(readFileSync(p, 'utf8')) as { input: { image: string } }).input.image;
      pages.push({ name: basename(p), bytes: Buffer.from(image.replace(/^data:[^,]*,/, ''), 'base64') });
    } else {
      pages.push({ name: basename(p), bytes: readFileSync(p) });
    }
  }
  return pages;
}

export interface PageFileCrops {
  page: string;
  crops: RawImage[];
}

export async function cropPageFiles(pages: readonly PageFile[], detectorFile: string): Promise<PageFileCrops[]> {
  const session = await ort.InferenceSession.create(detectorFile);
  const detector = createDetector(async (tensor, size) => {
    const out = await session.run({ images: new ort.Tensor('float32', tensor, [1, 3, size, size]) }, ['blk', 'seg', 'det']);
    return { blk: out.blk.data as Float32Array, seg: out.seg.data as Float32Array, det: out.det.data as Float32Array, size };
  });
  const limits = loadConfig([], {}).limits;
  const result: PageFileCrops[] = [];
  try {
    for (const [i, p] of pages.entries()) {
      const { image } = await decodePageBytes(p.bytes, p.name, i, p.name, limits);
      const det = await detector.detect(image, { channelOrder: 'bgr' });
      result.push({ page: p.name, crops: pageCrops(image, det.mask, det.blocks).crops });
    }
  } finally {
    await session.release();
  }
  return result;
}
