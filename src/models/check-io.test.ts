import { describe, expect, it } from 'vitest';
import { ioMismatches } from './check-io.ts';

const meta = (name: string, type: string, shape: (number | string)[]) => ({ name, isTensor: true as const, type: type as 'float32', shape });

describe('ioMismatches', () => {
  // the pinned encoder's record: every dim symbolic in the file, the worker relies on [batch, 3, 224, 224]
  const recorded = [{ name: 'pixel_values', type: 'float32' as const, shape: ['batch_size', 'num_channels', 'height', 'width'] }];
  const sizes = { pixel_values: ['batch' as const, 3, 224, 224] };

  it('accepts the pinned declaration, other symbolic names, and fixed dims of the concrete size', () => {
    expect(ioMismatches('input', [meta('pixel_values', 'float32', ['batch_size', 'num_channels', 'height', 'width'])], recorded, sizes)).toEqual([]);
    expect(ioMismatches('input', [meta('pixel_values', 'float32', ['b', 'c', 'h', 'w'])], recorded, sizes)).toEqual([]);
    expect(ioMismatches('input', [meta('pixel_values', 'float32', ['batch_size', 3, 224, 224])], recorded, sizes)).toEqual([]);
  });

  it('names what differs', () => {
    expect(ioMismatches('input', [meta('images', 'float32', [1, 3, 224, 224])], recorded, sizes)).toEqual([
      'missing input "pixel_values" (has images)',
    ]);
    expect(ioMismatches('input', [meta('pixel_values', 'float16', ['b', 3, 384, 384])], recorded, sizes)).toEqual([
      'input "pixel_values" is float16, expected float32',
      'input "pixel_values" dim 2 is 384, expected 224',
      'input "pixel_values" dim 3 is 384, expected 224',
    ]);
    expect(ioMismatches('input', [meta('pixel_values', 'float32', [3, 224, 224])], recorded, sizes)).toEqual([
      'input "pixel_values" has rank 3, expected 4',
    ]);
    expect(ioMismatches('input', [meta('pixel_values', 'float32', [1, 1, 224, 224])], recorded, sizes)).toEqual([
      'input "pixel_values" dim 0 is fixed at 1, the worker needs it free (batch)',
      'input "pixel_values" dim 1 is 1, expected 3',
    ]);
  });

  it('checks fixed dims against the record itself when no sizes are given', () => {
    const logits = [{ name: 'logits', type: 'float32' as const, shape: ['batch_size', 'decoder_sequence_length', 6144] }];
    expect(ioMismatches('output', [meta('logits', 'float32', ['b', 't', 6144]), meta('present.0.decoder.key', 'float32', [])], logits)).toEqual([]);
    expect(ioMismatches('output', [meta('logits', 'float32', ['b', 't', 32000])], logits)).toEqual(['output "logits" dim 2 is 32000, expected 6144']);
  });
});
