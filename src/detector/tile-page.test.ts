import { describe, expect, it } from 'vitest';
import { TILE_MAX_WINDOWS, mergeTileBlocks, planTiles, shouldTile } from './tile-page.ts';
import type { DetectedBlock } from './types.ts';

const block = (box: DetectedBlock['box']): DetectedBlock => ({
  box,
  vertical: true,
  font_size: 20,
  language: 'ja',
  angle: 0,
  lines: [],
});

describe('planTiles', () => {
  it('tiles only pages more than 3× taller than wide', () => {
    expect(shouldTile(800, 4000)).toBe(true);
    expect(shouldTile(1000, 3000)).toBe(false);
    expect(shouldTile(1200, 1700)).toBe(false);
    // too narrow to hold a text column: one letterbox, however tall
    expect(shouldTile(1, 5000)).toBe(false);
    expect(shouldTile(31, 30000)).toBe(false);
  });

  it('bounds the windows of extreme strips, widening them, and still covers every row', () => {
    expect(planTiles(800, 30000)).toHaveLength(33); // a real webtoon strip keeps its 1200-row windows
    for (const [w, h] of [[1, 5000], [32, 30000], [100, 30000], [1, 2], [2, 65535]]) {
      const tiles = planTiles(w, h);
      expect(tiles.length, `${w}×${h}`).toBeLessThanOrEqual(TILE_MAX_WINDOWS);
      expect(tiles[0].y).toBe(0);
      expect(tiles.at(-1)!.y + tiles.at(-1)!.height).toBe(h);
      for (let i = 1; i < tiles.length; i++) expect(tiles[i].y).toBeLessThan(tiles[i - 1].y + tiles[i - 1].height);
    }
  });

  it('covers a 100×1000 strip with 150-row windows overlapping by 38, the last flush with the bottom', () => {
    // winH = 1.5·100 = 150, overlap = round(37.5) = 38, step 112
    const tiles = planTiles(100, 1000);
    expect(tiles.map((t) => t.y)).toEqual([0, 112, 224, 336, 448, 560, 672, 784, 850]);
    expect(tiles.every((t) => t.height === 150)).toBe(true);
    // cores meet in the middle of each overlap and partition the page
    expect(tiles[0]).toMatchObject({ coreTop: 0, coreBottom: 131 }); // (112 + 150) / 2
    expect(tiles[1]).toMatchObject({ coreTop: 131, coreBottom: 243 });
    expect(tiles[8]).toMatchObject({ coreTop: 892, coreBottom: 1000 }); // (850 + 934) / 2
    for (let i = 1; i < tiles.length; i++) expect(tiles[i].coreTop).toBe(tiles[i - 1].coreBottom);
  });
});

describe('mergeTileBlocks', () => {
  it('keeps each block once: by the window whose core holds its centre, then drops near-duplicates', () => {
    const [t0, t1] = planTiles(100, 1000);
    const merged = mergeTileBlocks(
      [
        { tile: t0, blocks: [block([60, 20, 80, 100]), block([20, 120, 40, 150])] }, // 2nd: cut, centre 135 ≥ 131
        { tile: t1, blocks: [block([20, 120, 40, 200]), block([21, 121, 40, 199])] }, // 2nd: duplicate
      ],
      100,
      1000,
    );
    expect(merged.map((b) => b.box)).toEqual([
      [60, 20, 80, 100],
      [20, 120, 40, 200],
    ]);
  });
});
