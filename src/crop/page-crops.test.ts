import { describe, expect, it, vi } from 'vitest';
import type { DetectedBlock, Quad } from '../detector/types.ts';
import type { RawImage } from '../image/raw-image.ts';
import { refinedTextMask } from '../detector/refined-text-mask.ts';
import { lineTexts, pageCrops } from './page-crops.ts';

// counts calls to the (costly) refined mask; returns an all-ink mask so cuts fall at window starts
vi.mock('../detector/refined-text-mask.ts', () => ({
  refinedTextMask: vi.fn((page: RawImage) => ({
    data: new Uint8Array(page.width * page.height).fill(255), width: page.width, height: page.height, channels: 1,
  })),
}));

const rect = (x1: number, y1: number, x2: number, y2: number): Quad => [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
const block = (vertical: boolean, lines: Quad[]): DetectedBlock => ({
  box: [0, 0, 0, 0], vertical, font_size: 40, language: 'ja', angle: 0, lines,
});

describe('pageCrops / lineTexts', () => {
  it('flattens blocks → lines → chunks in order and maps texts back per line', () => {
    const page: RawImage = { data: new Uint8Array(1300 * 200 * 3).fill(255), width: 1300, height: 200, channels: 3 };
    const blocks = [
      block(true, [rect(100, 10, 163, 100), rect(10, 10, 10, 100)]), // second line degenerate
      block(false, [rect(0, 120, 1199, 183)]), // long: 3 chunks
    ];
    const { crops, spans } = pageCrops(page, null, blocks);
    expect(spans).toEqual([
      { block: 0, line: 0, first: 0, count: 1 },
      { block: 0, line: 1, first: 1, count: 0 },
      { block: 1, line: 0, first: 1, count: 3 },
    ]);
    expect(crops).toHaveLength(4);
    expect(lineTexts(2, spans, ['あ', 'い', 'う', 'え'])).toEqual([['あ', ''], ['いうえ']]);
  });

  it('refines the text mask only for a page with a line long enough to be cut, once', () => {
    const page: RawImage = { data: new Uint8Array(1300 * 200 * 3).fill(255), width: 1300, height: 200, channels: 3 };
    const raw = new Uint8Array(1300 * 200);
    const refine = vi.mocked(refinedTextMask);
    refine.mockClear();
    pageCrops(page, raw, [block(true, [rect(100, 10, 163, 100)]), block(false, [rect(0, 120, 500, 183)])]);
    expect(refine).not.toHaveBeenCalled();
    const long = [block(false, [rect(0, 120, 1199, 183)]), block(false, [rect(0, 10, 1199, 73)])];
    const { spans } = pageCrops(page, raw, long);
    expect(refine).toHaveBeenCalledTimes(1);
    expect(refine.mock.calls[0][2]).toEqual([long[0].box, long[1].box]);
    expect(spans.map((s) => s.count)).toEqual([3, 3]);
  });
});
