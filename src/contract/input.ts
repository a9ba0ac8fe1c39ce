import { z } from 'zod';

/**
 * The job input: the only definition of its shape. Structure is checked here; the bytes of each
 * page (base64, image format) are checked per page later, so one bad page cannot sink the others.
 */

/** A page: base64 (a `data:image/...;base64,` prefix is accepted) or `{ name?, data }`. */
export const PageInput = z.union([
  z.string({ error: 'expected a base64 string or an object { name?, data }' }),
  z
    .object({
      name: z.string().min(1).max(1024).optional(),
      data: z.string({ error: 'expected base64 image data' }),
    })
    .strict(),
]);
export type PageInput = z.infer<typeof PageInput>;

export const ProcessOptions = z
  .object({
    /** recogniser decoding: beam (Mokuro's) or greedy (faster) */
    decoding: z.enum(['beam', 'greedy']).optional(),
    /** channel order fed to the detector: bgr = Mokuro parity, rgb = what the model was trained on */
    detector_channels: z.enum(['bgr', 'rgb']).optional(),
    /** tile very tall pages (webtoon strips) into overlapping windows; default: automatic */
    tile_tall_pages: z.boolean().optional(),
  })
  .strict();
export type ProcessOptions = z.infer<typeof ProcessOptions>;

const volumeFields = {
  title: z.string().max(512).optional(),
  volume: z.string().max(512).optional(),
  title_uuid: z.uuid().optional(),
  volume_uuid: z.uuid().optional(),
  options: ProcessOptions.optional(),
};

export const HealthInput = z.object({ type: z.literal('health') });

export const ProcessPageInput = z.object({
  type: z.literal('process_page'),
  image: PageInput,
  ...volumeFields,
});

export const ProcessBatchInput = z.object({
  type: z.literal('process_batch'),
  images: z.array(PageInput).min(1, { error: 'expected at least one page' }),
  /** stream one chunk per finished page (RunPod /stream) before the whole volume */
  stream: z.boolean().optional(),
  ...volumeFields,
});

export const JobInput = z.discriminatedUnion('type', [HealthInput, ProcessPageInput, ProcessBatchInput], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'expected "health", "process_page" or "process_batch"'
      : undefined,
});
export type JobInput = z.infer<typeof JobInput>;
export type ProcessPageInput = z.infer<typeof ProcessPageInput>;
export type ProcessBatchInput = z.infer<typeof ProcessBatchInput>;

export const Job = z.object({
  id: z.string().min(1).optional(),
  input: z.unknown(),
});
