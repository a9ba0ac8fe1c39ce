/**
 * The DB "unclip" step (kha-white/comic-text-detector utils/db_utils.py
 * `SegDetectorRepresenter.unclip`): pyclipper 1.2.1 (Clipper 6.4.2) `PyclipperOffset` with JT_ROUND /
 * ET_CLOSEDPOLYGON, default ArcTolerance 0.25, on one closed polygon. Written by hand instead of a
 * Clipper package: for the convex 4-point input DB produces, `ClipperOffset::DoOffset` reduces to the
 * per-vertex `OffsetPoint`/`DoRound` below, and the final union of a single simple polygon only drops
 * duplicate/collinear points, which cannot change the min-area rectangle taken from the result. The
 * analytic "grow the rect by d" shortcut is off by one input pixel often enough (Clipper truncates the
 * input and rounds every arc point) that it would break ±2 px parity on pages scaled by ~4 (tall
 * strips), hence the emulation.
 */
import { clipperRound } from '../math/python-math.ts';

type Pt = [number, number];

/** pyclipper default `ArcTolerance` (Clipper `def_arc_tolerance`). */
const ARC_TOLERANCE = 0.25;

/** Offset a closed polygon outward by `delta` with round joins; integer output points. */
export function offsetPolygonRound(path: readonly Pt[], delta: number): Pt[] {
  // AddPath: pyclipper converts coordinates to integers by truncation, drops repeated points
  const src: Pt[] = [];
  for (const [x, y] of path) {
    const p: Pt = [Math.trunc(x), Math.trunc(y)];
    const last = src[src.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) src.push(p);
  }
  while (src.length > 1 && src[0][0] === src[src.length - 1][0] && src[0][1] === src[src.length - 1][1]) src.pop();
  if (src.length < 3 || !(delta > 0) || !Number.isFinite(delta)) return delta === 0 ? src : [];
  // FixOrientations: Clipper wants positive orientation (Area >= 0) so that +delta grows the polygon
  if (clipperArea(src) < 0) src.reverse();

  const n = src.length;
  const y = ARC_TOLERANCE > delta * ARC_TOLERANCE ? delta * ARC_TOLERANCE : ARC_TOLERANCE;
  let steps = Math.PI / Math.acos(1 - y / delta);
  if (steps > delta * Math.PI) steps = delta * Math.PI;
  const sin = Math.sin((2 * Math.PI) / steps);
  const cos = Math.cos((2 * Math.PI) / steps);
  const stepsPerRad = steps / (2 * Math.PI);

  const normals: Pt[] = src.map((p, i) => unitNormal(p, src[(i + 1) % n]));
  const out: Pt[] = [];
  const push = (j: number, nx: number, ny: number): void => {
    out.push([clipperRound(src[j][0] + nx * delta), clipperRound(src[j][1] + ny * delta)]);
  };
  let k = n - 1;
  for (let j = 0; j < n; j++) {
    const [nkx, nky] = normals[k];
    const [njx, njy] = normals[j];
    let sinA = nkx * njy - njx * nky;
    if (Math.abs(sinA * delta) < 1) {
      if (nkx * njx + njy * nky > 0) {
        push(j, nkx, nky); // almost straight: one point, and k is not advanced (as in Clipper)
        continue;
      }
    } else if (sinA > 1) sinA = 1;
    else if (sinA < -1) sinA = -1;
    if (sinA * delta < 0) {
      push(j, nkx, nky);
      out.push([src[j][0], src[j][1]]);
      push(j, njx, njy);
    } else {
      // DoRound
      const a = Math.atan2(sinA, nkx * njx + nky * njy);
      const count = Math.max(clipperRound(stepsPerRad * Math.abs(a)), 1);
      let X = nkx;
      let Y = nky;
      for (let i = 0; i < count; i++) {
        push(j, X, Y);
        const X2 = X;
        X = X * cos - sin * Y;
        Y = X2 * sin + Y * cos;
      }
      push(j, njx, njy);
    }
    k = j;
  }
  return out;
}

function unitNormal(a: Pt, b: Pt): Pt {
  let dx = b[0] - a[0];
  let dy = b[1] - a[1];
  if (dx === 0 && dy === 0) return [0, 0];
  const f = 1 / Math.sqrt(dx * dx + dy * dy);
  dx *= f;
  dy *= f;
  return [dy, -dx];
}

/** Clipper `Area()` (sign convention included). */
function clipperArea(poly: Pt[]): number {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    a += (poly[j][0] + poly[i][0]) * (poly[j][1] - poly[i][1]);
  }
  return -a * 0.5;
}
