import { z } from 'zod';

/**
 * The `.mokuro` volume document exactly as Mokuro 0.2.5 writes it (kha-white/mokuro
 * mokuro/mokuro_generator.py, mokuro/manga_page_ocr.py), keys in the same order. Readers use version,
 * img_width, img_height, img_path and blocks.
 */

/** The Mokuro format version we reproduce (kha-white/mokuro mokuro/_version.py); our own version goes in stats/health. */
export const MOKURO_FORMAT_VERSION = '0.2.5';

const Point = z.tuple([z.number(), z.number()]);

export const MokuroBlock = z.object({
  box: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
  vertical: z.boolean(),
  font_size: z.number(),
  lines_coords: z.array(z.tuple([Point, Point, Point, Point])),
  lines: z.array(z.string()),
}).refine((b) => b.lines.length === b.lines_coords.length, {
  error: 'lines and lines_coords must have the same length',
});
export type MokuroBlock = z.infer<typeof MokuroBlock>;

export const MokuroPage = z.object({
  version: z.string(),
  img_width: z.number().int().positive(),
  img_height: z.number().int().positive(),
  blocks: z.array(MokuroBlock),
  img_path: z.string().min(1),
});
export type MokuroPage = z.infer<typeof MokuroPage>;

export const MokuroVolume = z.object({
  version: z.string(),
  title: z.string(),
  title_uuid: z.uuid(),
  volume: z.string(),
  volume_uuid: z.uuid(),
  pages: z.array(MokuroPage),
});
export type MokuroVolume = z.infer<typeof MokuroVolume>;
