/**
 * RunPod's webhook URL templates (runpod/runpod-python runpod/serverless/modules/rp_job.py, rp_http.py,
 * rp_ping.py). RunPod hands the worker templates holding `$ID` and `$RUNPOD_POD_ID`; the SDK fills them
 * with plain string replacement and then appends its own query parameters with `&`, because the
 * templates already carry a `?`.
 */

export interface RunpodTemplates {
  take: string;
  done?: string;
  stream?: string;
  ping?: string;
}

export type QueryParams = Record<string, string | number | undefined>;

/** Appends parameters with `&` when the URL already has a query, else with `?`; undefined values are left out. */
export function withQuery(url: string, params: QueryParams): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  if (pairs.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

// replaceAll with a function so that `$&`-style patterns in ids are never interpreted.
const fill = (template: string, name: string, value: string) => template.replaceAll(name, () => value);

export interface RunpodUrls {
  /** job-take long-poll; `/job-take-batch/` with `batch_size` when more than one slot is free */
  take(jobInProgress: boolean, batchSize: number): string;
  /** the stop channel: the take URL with `/job-take/` → `/job-stop/` */
  stop(): string;
  done(jobId: string, isStream: boolean): string | undefined;
  stream(jobId: string): string | undefined;
  ping(runningJobIds: readonly string[], runpodVersion: string): string | undefined;
}

export function runpodUrls(templates: RunpodTemplates, workerId: string): RunpodUrls {
  // `$RUNPOD_POD_ID` first: `$ID` is not a prefix of it, but filling it first keeps that obvious.
  const take = fill(fill(templates.take, '$RUNPOD_POD_ID', workerId), '$ID', workerId);
  const perWorker = (t: string | undefined) => (t === undefined ? undefined : fill(t, '$RUNPOD_POD_ID', workerId));
  const done = perWorker(templates.done);
  const stream = perWorker(templates.stream);
  const ping = perWorker(templates.ping);
  return {
    take(jobInProgress, batchSize) {
      const progress = jobInProgress ? 1 : 0;
      if (batchSize <= 1) return withQuery(take, { job_in_progress: progress });
      return withQuery(take.replace('/job-take/', '/job-take-batch/'), { job_in_progress: progress, batch_size: batchSize });
    },
    stop: () => take.replace('/job-take/', '/job-stop/'),
    done: (jobId, isStream) => (done === undefined ? undefined : withQuery(fill(done, '$ID', jobId), { isStream: String(isStream) })),
    stream: (jobId) => (stream === undefined ? undefined : withQuery(fill(stream, '$ID', jobId), { isStream: 'false' })),
    ping: (ids, runpodVersion) =>
      ping === undefined
        ? undefined
        : withQuery(ping, { job_id: ids.length > 0 ? ids.join(',') : undefined, runpod_version: runpodVersion }),
  };
}
