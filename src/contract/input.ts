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

/** A page fetched by the worker: `{ url, name? }`; `name` defaults to the URL's file name. */
export const UrlPageInput = z
  .object({
    url: z.url({ error: 'expected an http(s) URL' }),
    name: z.string().min(1).max(1024).optional(),
  })
  .strict();
export type UrlPageInput = z.infer<typeof UrlPageInput>;

/** Any page of `images` / `image`: inline base64 or a URL. */
export const PageRef = z.union([PageInput.options[0], PageInput.options[1], UrlPageInput], {
  error: 'expected a base64 string, { name?, data } or { name?, url }',
});
export type PageRef = z.infer<typeof PageRef>;

/**
 * A whole volume as one ZIP/CBZ: base64 `data` or a `url` (a presigned S3 link, say). `name`
 * (`My Manga/Vol 01.cbz`) gives title and volume defaults as Mokuro does; for a URL it defaults to
 * the URL's file name.
 */
export const ArchiveInput = z.union(
  [
    z.object({ data: z.string({ error: 'expected base64 ZIP/CBZ data' }), name: z.string().max(1024).optional() }).strict(),
    z.object({ url: z.url({ error: 'expected an http(s) URL' }), name: z.string().max(1024).optional() }).strict(),
  ],
  { error: 'expected { data, name? } (base64 ZIP/CBZ) or { url, name? }' },
);
export type ArchiveInput = z.infer<typeof ArchiveInput>;

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
  /** json: the document in the envelope; gzip: gzipped and base64-encoded (big volumes) */
  output: z.enum(['json', 'gzip']).optional(),
  /** store the .mokuro in the job's RunPod `s3Config` bucket and answer its URL instead */
  upload: z.boolean().optional(),
};

export const HealthInput = z.object({ type: z.literal('health') });

export const ProcessPageInput = z.object({
  type: z.literal('process_page'),
  image: PageRef,
  ...volumeFields,
});

/** Pages come from `images` (reading order) or from one `archive` (natural order of its entries). */
export const ProcessBatchInput = z
  .object({
    type: z.literal('process_batch'),
    images: z.array(PageRef).min(1, { error: 'expected at least one page' }).optional(),
    archive: ArchiveInput.optional(),
    /** stream one chunk per finished page (RunPod /stream) before the whole volume */
    stream: z.boolean().optional(),
    ...volumeFields,
  })
  .refine((b) => (b.images === undefined) !== (b.archive === undefined), {
    error: 'expected either images or archive (exactly one)',
    path: ['images'],
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
