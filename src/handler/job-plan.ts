import type { ProcessBatchInput, ProcessOptions, ProcessPageInput } from '../contract/input.ts';
import { describeZodError } from '../contract/issues.ts';
import { WorkerError } from '../errors.ts';
import { S3Config } from '../output/s3-upload.ts';
import type { OutputPlan } from '../output/pack-output.ts';
import type { VolumeFields } from '../pipeline/volume.ts';
import type { ArchiveIdentity } from '../sources/archive-name.ts';
import type { PagesInput } from '../sources/open-page-source.ts';

/** What a process job asks for, sorted out from its input and the job's extras (s3Config). */
export interface JobPlan {
  pages: PagesInput;
  fields: VolumeFields;
  options: ProcessOptions;
  stream: boolean;
  output: OutputPlan;
}

export function planJob(input: ProcessPageInput | ProcessBatchInput, job: { id?: string; s3Config?: unknown }): JobPlan {
  const pages: PagesInput =
    input.type === 'process_page'
      ? { images: [input.image], field: 'image' }
      : input.archive
        ? { archive: input.archive }
        : { images: input.images ?? [], field: 'images' };
  let s3: S3Config | undefined;
  if (input.upload) {
    if (job.s3Config === undefined) throw new WorkerError('INVALID_INPUT', 'the job carries no s3Config to upload to', { path: 'upload' });
    const parsed = S3Config.safeParse(job.s3Config);
    if (!parsed.success) {
      const { path, message } = describeZodError(parsed.error, 's3Config');
      throw new WorkerError('INVALID_INPUT', message, { path: path === 's3Config' ? path : `s3Config.${path}` });
    }
    s3 = parsed.data;
  }
  return {
    pages,
    fields: { title: input.title, volume: input.volume, title_uuid: input.title_uuid, volume_uuid: input.volume_uuid },
    options: input.options ?? {},
    stream: input.type === 'process_batch' && Boolean(input.stream),
    output: { output: input.output ?? 'json', s3, jobId: job.id },
  };
}

/** Title and volume the client gave win; the archive's name fills in the rest (kha-white/mokuro mokuro/volume.py `get_path_mokuro`). */
export function withArchiveDefaults(fields: VolumeFields, identity: ArchiveIdentity): VolumeFields {
  return { ...fields, title: fields.title ?? identity.title, volume: fields.volume ?? identity.volume };
}
