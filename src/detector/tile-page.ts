/**
 * Tall pages (webtoon strips), beyond Mokuro: one 1024² letterbox of an 800×4000 strip shrinks text
 * ~4×, and small text vanishes. Such pages are cut into overlapping full-width windows of a normal page
 * aspect, each detected on its own; blocks are mapped back, each kept only by the window whose core
 * (its span minus half the overlap on each inner side) holds its centre, remaining duplicates are
 * dropped, and the page is re-sorted. Off for normal pages, so they keep exact Mokuro parity.
 */
import type { DetectedBlock } from './types.ts';
import { sortBlocks } from './sort-blocks.ts';

/** Pages with height / width above this are tiled (issue #4 item 7). */
const TILE_MIN_ASPECT = 3;
/** Window height as a multiple of the page width (a usual manga page is ~1.4 tall). */
const TILE_ASPECT = 1.5;
/** Share of a window shared with the next one; blocks up to about half of this tall are never cut. */
const TILE_OVERLAP = 0.25;
/**
 * At most this many windows per page (each is a full detector run): an 800×30000 strip needs 33, but a
 * 1×30000 one would need 20000 — a page that costs hours. Narrow strips get taller windows instead
 * (our bound, issue #8).
 */
export const TILE_MAX_WINDOWS = 40;
/** Pages narrower than this hold no readable column: one letterbox, never tiled (our bound, issue #8). */
const TILE_MIN_WIDTH = 32;
/** Blocks whose intersection covers more than this share of the smaller one are duplicates. */
const TILE_DUPLICATE_OVERLAP = 0.6;

export interface Tile {
  /** first page row of the window */
  y: number;
  height: number;
  /** page rows whose blocks this window keeps: [coreTop, coreBottom) */
  coreTop: number;
  coreBottom: number;
}

export function shouldTile(width: number, height: number): boolean {
  return width >= TILE_MIN_WIDTH && height / width > TILE_MIN_ASPECT;
}

/** Full-width windows covering the page top to bottom, the last one flush with the bottom. */
export function planTiles(width: number, height: number): Tile[] {
  // the window height that keeps the count within TILE_MAX_WINDOWS: 1 + (n - 1)·(1 - overlap) windows' worth of rows
  const minWinH = Math.ceil(height / (1 + (TILE_MAX_WINDOWS - 1) * (1 - TILE_OVERLAP))) + 1;
  const winH = Math.min(height, Math.max(1, Math.round(width * TILE_ASPECT), minWinH));
  const overlap = Math.round(winH * TILE_OVERLAP);
  const step = Math.max(1, winH - overlap);
  const starts: number[] = [];
  for (let y = 0; y + winH < height; y += step) starts.push(y);
  starts.push(height - winH);
  return starts.map((y, i) => {
    const prevEnd = i > 0 ? starts[i - 1] + winH : 0;
    const nextStart = i + 1 < starts.length ? starts[i + 1] : height;
    return {
      y,
      height: winH,
      coreTop: i === 0 ? 0 : Math.floor((y + prevEnd) / 2),
      coreBottom: i + 1 === starts.length ? height : Math.floor((nextStart + y + winH) / 2),
    };
  });
}

/** Shift a window's blocks to page rows. */
export function shiftBlocks(blocks: DetectedBlock[], dy: number): DetectedBlock[] {
  return blocks.map((b) => ({
    ...b,
    box: [b.box[0], b.box[1] + dy, b.box[2], b.box[3] + dy],
    lines: b.lines.map((q) => q.map(([x, y]) => [x, y + dy]) as typeof q),
  }));
}

/** Keep blocks centred in their window's core, drop duplicates, sort the page. */
export function mergeTileBlocks(perTile: { tile: Tile; blocks: DetectedBlock[] }[], W: number, H: number): DetectedBlock[] {
  const kept: DetectedBlock[] = [];
  for (const { tile, blocks } of perTile) {
    for (const b of blocks) {
      const cy = (b.box[1] + b.box[3]) / 2;
      if (cy < tile.coreTop || cy >= tile.coreBottom) continue;
      if (kept.some((k) => overlapShare(k.box, b.box) > TILE_DUPLICATE_OVERLAP)) continue;
      kept.push(b);
    }
  }
  const wrapped = kept.map((b) => ({ xyxy: b.box, language: b.language, b }));
  return sortBlocks(wrapped, W, H).map((w) => w.b);
}

/** Intersection area over the smaller box's area (0 for empty boxes). */
function overlapShare(a: DetectedBlock['box'], b: DetectedBlock['box']): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const smaller = Math.min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]));
  return smaller > 0 ? (w * h) / smaller : 0;
}
