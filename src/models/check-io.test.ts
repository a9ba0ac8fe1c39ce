import { describe, expect, it } from 'vitest';
import { ioMismatches } from './check-io.ts';

const meta = (name: string, type: string, shape: (number | string)[]) => ({ name, isTensor: true as const, type: type as 'float32', shape });

describe('ioMismatches', () => {
  const spec = { pixel_values: { type: 'float32' as const, shape: ['batch', 3, 224, 224] } };

  it('accepts matching names, dtypes and fixed dims, with any dynamic dim', () => {
    expect(ioMismatches('input', [meta('pixel_values', 'float32', ['batch_size', 3, 224, 224])], spec)).toEqual([]);
  });

  it('names what differs', () => {
    expect(ioMismatches('input', [meta('images', 'float32', [1, 3, 224, 224])], spec)).toEqual([
      'missing input "pixel_values" (has images)',
    ]);
    expect(ioMismatches('input', [meta('pixel_values', 'float16', ['b', 3, 384, 384])], spec)).toEqual([
      'input "pixel_values" is float16, expected float32',
      'input "pixel_values" dim 2 is 384, expected 224',
      'input "pixel_values" dim 3 is 384, expected 224',
    ]);
    expect(ioMismatches('input', [meta('pixel_values', 'float32', [3, 224, 224])], spec)).toEqual([
      'input "pixel_values" has rank 3, expected 4',
    ]);
  });
});
