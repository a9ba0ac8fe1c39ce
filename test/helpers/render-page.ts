import sharp from 'sharp';
import type { Box } from '../../src/detector/types.ts';

export interface Balloon {
  /** right edge of the first (rightmost) column and top of the text */
  right: number;
  top: number;
  size: number;
  /** columns, read right to left, each read top to bottom */
  columns: string[];
}

const FONTS = "'IPAGothic', 'IPAMincho', 'Noto Sans CJK JP', sans-serif";
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A manga-style page drawn from SVG with a CJK font (fontconfig's; without one the glyphs become
 * boxes, which are still ink in the same places): white paper, a panel border, an outlined balloon
 * around each block of vertical text. Returns the PNG and each block's text box.
 */
export async function renderPage(width: number, height: number, balloons: Balloon[]): Promise<{ png: Buffer; boxes: Box[] }> {
  const parts: string[] = [`<rect x="20" y="20" width="${width - 40}" height="${height - 40}" fill="none" stroke="black" stroke-width="4"/>`];
  const boxes: Box[] = [];
  for (const b of balloons) {
    const pitch = Math.round(b.size * 1.4);
    const longest = Math.max(...b.columns.map((c) => [...c].length));
    const box: Box = [b.right - pitch * (b.columns.length - 1) - b.size, b.top, b.right, b.top + longest * b.size];
    boxes.push(box);
    const [cx, cy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
    parts.push(`<ellipse cx="${cx}" cy="${cy}" rx="${(box[2] - box[0]) / 2 + 60}" ry="${(box[3] - box[1]) / 2 + 70}" fill="white" stroke="black" stroke-width="3"/>`);
    b.columns.forEach((column, c) => {
      [...column].forEach((ch, i) => {
        const x = b.right - c * pitch - b.size / 2;
        const y = b.top + (i + 0.88) * b.size;
        parts.push(`<text x="${x}" y="${y}" font-size="${b.size}" font-family="${FONTS}" text-anchor="middle">${escape(ch)}</text>`);
      });
    });
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  return { png: await sharp(Buffer.from(svg)).png().toBuffer(), boxes };
}
