import type { LoadedModels, Session } from './load-models.ts';

/**
 * The decoder sessions the recogniser runs: the KV-cache pair when the models folder has one (the
 * Docker image does), else the pinned decoder with an optional with-past file beside it.
 * `kvCache: false` forces the plain path (re-running the prefix), for comparisons.
 */
export function decoderSessions(
  models: Pick<LoadedModels, 'decoder' | 'decoderWithPast' | 'decoderKv'>,
  options: { kvCache?: boolean; wrap?: (session: Session) => Session } = {},
): { decoder: Session; decoderWithPast?: Session } {
  const { kvCache = true, wrap = (s: Session) => s } = options;
  if (!kvCache) return { decoder: wrap(models.decoder) };
  if (models.decoderKv) return { decoder: wrap(models.decoderKv.first), decoderWithPast: wrap(models.decoderKv.withPast) };
  return { decoder: wrap(models.decoder), decoderWithPast: models.decoderWithPast && wrap(models.decoderWithPast) };
}
