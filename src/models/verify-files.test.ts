import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAND_IN_MARKER, type Manifest } from './manifest.ts';
import { verifyModelFiles } from './verify-files.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const entry = (file: string, content: string) => ({
  id: file,
  file,
  url: `https://example.com/${file}`,
  bytes: content.length,
  sha256: sha(content),
  license: 'MIT',
});
const manifest: Manifest = { models: [entry('a.onnx', 'weights a'), entry('vocab.txt', 'vocab')], optional: [] };

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(path.join(tmpdir(), 'models-'));
  for (const [f, c] of Object.entries(files)) writeFileSync(path.join(d, f), c);
  return d;
}

describe('verifyModelFiles', () => {
  it('accepts files with the pinned checksums', async () => {
    const { files, standIn } = await verifyModelFiles(dir({ 'a.onnx': 'weights a', 'vocab.txt': 'vocab' }), manifest);
    expect(standIn).toBe(false);
    expect(files.map((f) => [f.file, f.verified])).toEqual([['a.onnx', true], ['vocab.txt', true]]);
  });

  it('names missing files and says what to run', async () => {
    await expect(verifyModelFiles(dir({ 'vocab.txt': 'vocab' }), manifest)).rejects.toMatchObject({
      code: 'MODEL_LOAD',
      message: expect.stringMatching(/model files missing in .*: a\.onnx \(run `npm run models:download`/),
    });
  });

  it('refuses a file whose checksum differs, unless the folder holds generated stand-ins', async () => {
    const files = { 'a.onnx': 'other weights', 'vocab.txt': 'vocab' };
    await expect(verifyModelFiles(dir(files), manifest)).rejects.toMatchObject({
      code: 'MODEL_LOAD',
      message: `a.onnx: sha256 ${sha('other weights')} does not match the pinned ${sha('weights a')} ` +
        '(re-run `npm run models:download`; MODELS_VERIFY=off runs other exports of the same models, unverified)',
    });
    const marked = await verifyModelFiles(dir({ ...files, [STAND_IN_MARKER]: '' }), manifest);
    expect(marked.standIn).toBe(true);
    expect(marked.files[0].verified).toBe(false);
  });

  it('with MODELS_VERIFY=off takes files whose checksum differs, still hashing them so health can tell', async () => {
    const { files, standIn } = await verifyModelFiles(dir({ 'a.onnx': 'other weights', 'vocab.txt': 'vocab' }), manifest, 'off');
    expect(standIn).toBe(false);
    expect(files.map((f) => [f.file, f.sha256, f.verified])).toEqual([['a.onnx', sha('other weights'), false], ['vocab.txt', sha('vocab'), true]]);
    await expect(verifyModelFiles(dir({ 'vocab.txt': 'vocab' }), manifest, 'off')).rejects.toMatchObject({ code: 'MODEL_LOAD' });
  });

  it('hashes a changed file again instead of trusting its cached checksum', async () => {
    const d = dir({ 'a.onnx': 'weights a', 'vocab.txt': 'vocab' });
    await verifyModelFiles(d, manifest);
    writeFileSync(path.join(d, 'a.onnx'), 'tampered');
    await expect(verifyModelFiles(d, manifest)).rejects.toMatchObject({ code: 'MODEL_LOAD' });
  });
});
