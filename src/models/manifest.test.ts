import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest, type Manifest } from './manifest.ts';

function written(manifest: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'manifest-')), 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  return file;
}

describe('readManifest', () => {
  const shipped = readManifest();

  it('gives every model session a declared signature and sizes for each of its tensors', () => {
    for (const id of ['comic-text-detector', 'manga-ocr-encoder', 'manga-ocr-decoder']) {
      const m = shipped.models.find((e) => e.id === id)!;
      const names = [...m.declared!.inputs, ...m.declared!.outputs].map((t) => t.name);
      expect(Object.keys(m.sizes!).sort()).toEqual([...names].sort());
    }
  });

  it('refuses sizes of another rank than the declared tensor, or for a tensor not declared', () => {
    const bad = structuredClone(shipped) as Manifest;
    const encoder = bad.models.find((e) => e.id === 'manga-ocr-encoder')!;
    encoder.sizes = { pixel_values: ['batch', 3, 224], last_hidden_state: ['batch', 197, 768], logits: [1] };
    expect(() => readManifest(written(bad))).toThrow(/manga-ocr-encoder: sizes\.pixel_values must have rank 4[\s\S]*sizes\.logits is not a declared tensor/);
  });
});
