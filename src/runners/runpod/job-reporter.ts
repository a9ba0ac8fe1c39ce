/**
 * Everything one job sends to RunPod while it runs and when it ends (runpod/runpod-python
 * runpod/serverless/modules/rp_http.py "Posting results"), in order. Progress and stream chunks go
 * through one queue per job, and the final result waits for that queue: a late progress post landing
 * after the result could otherwise put a finished job back to IN_PROGRESS.
 *
 * Streaming, decided for our handler (runpod/runpod-python rp_http.py `stream_result` is written for
 * generator handlers): each `ctx.stream` chunk (one finished page) goes to job-stream as `{"output":
 * chunk}`, and the handler's return value (the full volume) is the final job-done post with
 * `isStream=true`, mapped like any result. The SDK would post `{"output": []}` there, but then the
 * volume would reach the client only as pages. A chunk carrying a page `error` does not fail the job as
 * a yielded error would: for us a page error is data, and the job's outcome is the return value.
 */
import type { Logger } from '../../logger.ts';
import type { MappedResult } from '../map-result.ts';
import type { PostJson } from './post-json.ts';
import type { RunpodUrls } from './urls.ts';

export interface JobReporter {
  /** fire and forget; when posts are slow, only the newest pending update is sent */
  progress(update: unknown): void;
  /** one streamed chunk → job-stream `{"output": chunk}`, in order */
  chunk(chunk: unknown): void;
  /** the job was cancelled: drop whatever is queued and post nothing more */
  cancel(): void;
  /** posts the final result once the queue is drained; job-done `isStream=true` when chunks were streamed */
  finish(result: MappedResult): Promise<boolean>;
}

export function createJobReporter(deps: { jobId: string; urls: RunpodUrls; post: PostJson; log: Logger }): JobReporter {
  const { jobId, urls, post, log } = deps;
  let tail: Promise<unknown> = Promise.resolve();
  let cancelled = false;
  let streamed = false;
  // the progress update waiting in the queue, replaced by newer ones until its turn comes
  let pendingProgress: { value: unknown } | undefined;
  let warnedNoStream = false;

  const enqueue = (task: () => Promise<unknown>) => {
    tail = tail.then(() => (cancelled ? undefined : task()));
  };

  return {
    progress(update) {
      if (cancelled) return;
      if (pendingProgress) {
        pendingProgress.value = update;
        return;
      }
      const slot = { value: update };
      pendingProgress = slot;
      enqueue(() => {
        pendingProgress = undefined;
        // progress is best effort, like the SDK's: one attempt, no retry
        return post(urls.done(jobId, false)!, jobId, { status: 'IN_PROGRESS', output: slot.value }, { attempts: 1 });
      });
    },
    chunk(chunk) {
      if (cancelled) return;
      const url = urls.stream(jobId);
      if (url === undefined) {
        if (!warnedNoStream) log.warn({ jobId }, 'RUNPOD_WEBHOOK_POST_STREAM is not set: streamed chunks are dropped');
        warnedNoStream = true;
        return;
      }
      streamed = true;
      enqueue(() => post(url, jobId, { output: chunk }));
    },
    cancel() {
      cancelled = true;
    },
    async finish(result) {
      await tail;
      if (cancelled) return false;
      return post(urls.done(jobId, streamed)!, jobId, result);
    },
  };
}
