import { describe, expect, it } from 'vitest';
import type { MokuroPage } from '../../src/contract/mokuro.ts';
import { comparePage } from './compare-pages.ts';
import { generatedTokens, smallestDecidingGap } from './beam-vs-generate.ts';

const page = (blocks: MokuroPage['blocks']): MokuroPage => ({ version: '0.2.5', img_width: 100, img_height: 200, img_path: 'p.png', blocks });
const block = (over: Partial<MokuroPage['blocks'][number]> = {}): MokuroPage['blocks'][number] => ({
  box: [10, 20, 40, 120],
  vertical: true,
  font_size: 30,
  lines_coords: [[[10, 20], [40, 20], [40, 120], [10, 120]]],
  lines: ['猫が'],
  ...over,
});

describe('comparePage (Mokuro tests/test_mokuro.py tolerances)', () => {
  it('accepts coordinates within 2 px and font sizes within 2 %', () => {
    const c = comparePage(page([block({ box: [12, 18, 40, 121], font_size: 30.5, lines_coords: [[[8, 20], [40, 22], [40, 120], [10, 118]]] })]), page([block()]));
    expect(c.blockProblems).toEqual([]);
    expect(c).toMatchObject({ lines: 1, identicalLines: 1 });
  });

  it('names each block out of tolerance: a box 3 px off, a quad 3 px off, font size 3 % off, orientation', () => {
    const c = comparePage(
      page([block({ box: [13, 20, 40, 120], vertical: false, font_size: 31, lines_coords: [[[10, 23], [40, 20], [40, 120], [10, 120]]] })]),
      page([block()]),
    );
    expect(c.blockProblems).toHaveLength(4);
    expect(c.blockProblems.join('\n')).toMatch(/vertical false ≠ Mokuro's true[^]*box[^]*font_size 31[^]*line 0: quad/);
  });

  it('counts a missing block and lines of different text', () => {
    const c = comparePage(page([block({ lines: ['猫か'] })]), page([block(), block({ lines: ['a', 'b'], lines_coords: [] })]));
    expect(c.blockProblems).toEqual(["1 blocks vs Mokuro's 2"]);
    expect(c).toMatchObject({ lines: 3, identicalLines: 0, lineDiffs: [{ block: 0, line: 0, ours: '猫か', mokuro: '猫が' }] });
  });
});

describe('generatedTokens', () => {
  it("drops generate's start token, EOS and the padding after it", () => {
    expect(generatedTokens([2, 10, 11, 3])).toEqual([10, 11]);
    expect(generatedTokens([2, 10, 3, 0, 0])).toEqual([10]);
    expect(generatedTokens([2, 3])).toEqual([]);
    expect(generatedTokens([2, 10, 0, 11])).toEqual([10, 0, 11]); // at the length cap: no EOS, a real 0 kept
  });
});

describe('smallestDecidingGap', () => {
  const V = 8;
  const row = (values: Record<number, number>) => {
    const r = new Float32Array(V).fill(-20);
    for (const [v, x] of Object.entries(values)) r[Number(v)] = x;
    return r;
  };
  const gapOf = (first: Float32Array) => smallestDecidingGap([{ prefixes: [[2]], logits: first }], V);

  it('is 0 when two of the deciding candidates score the same', () => {
    expect(gapOf(row({ 5: 3, 6: 3, 7: 1, 4: 0.5, 3: 0, 1: -1, 0: -2, 2: -3 }))).toBe(0);
  });

  it('is the smallest gap among the top 2·beams + 1 candidates, in log-probability', () => {
    // 9 candidates spaced 1 apart except one pair 0.25 apart; a gap further down does not count
    const spaced = new Float32Array([8, 7, 6, 5, 4, 3, 2.25, 2]);
    expect(gapOf(spaced)).toBeCloseTo(0.25, 5);
  });
});
