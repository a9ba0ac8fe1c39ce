/**
 * The jobs this worker has taken and not finished, and the slots they run in: at most
 * `concurrency` handler calls at once; jobs RunPod sent beyond that wait for a slot (they are
 * RunPod's "in progress" already, so they are reported in pings all the same).
 */
import type { Logger } from '../../logger.ts';
import type { RunpodJob } from './take-jobs.ts';

interface TakenJob {
  job: RunpodJob;
  controller: AbortController;
  cancelled: boolean;
  started: boolean;
}

export interface JobSlots {
  /** a taken job; it starts as soon as a slot is free */
  accept(job: RunpodJob): void;
  /** the stop channel named these jobs: abort them (a waiting one is simply dropped) */
  cancel(ids: readonly string[]): void;
  /** how many more jobs to ask RunPod for */
  free(): number;
  /** taken jobs, cancelled ones included, until their handler has returned */
  count(): number;
  /** the ids RunPod should see as running (pings, job_in_progress) */
  reportedIds(): string[];
}

export function createJobSlots(opts: {
  concurrency: number;
  /** runs one job to its end (posted or cancelled); never rejects */
  execute: (job: RunpodJob, signal: AbortSignal) => Promise<void>;
  /** called whenever the set of jobs changed */
  onChange: () => void;
  log: Logger;
}): JobSlots {
  const jobs = new Map<string, TakenJob>();
  const waiting: TakenJob[] = [];
  let running = 0;

  const pump = () => {
    while (running < opts.concurrency && waiting.length > 0) {
      const t = waiting.shift()!;
      t.started = true;
      running++;
      void opts.execute(t.job, t.controller.signal).finally(() => {
        running--;
        jobs.delete(t.job.id);
        pump();
        opts.onChange();
      });
    }
  };

  return {
    accept(job) {
      if (jobs.has(job.id)) {
        opts.log.warn({ jobId: job.id }, 'job already taken; ignoring the duplicate');
        return;
      }
      const t: TakenJob = { job, controller: new AbortController(), cancelled: false, started: false };
      jobs.set(job.id, t);
      waiting.push(t);
      pump();
      opts.onChange();
    },
    cancel(ids) {
      for (const id of ids) {
        const t = jobs.get(id);
        if (!t || t.cancelled) {
          opts.log.debug({ jobId: id }, 'stop requested for a job not running here');
          continue;
        }
        opts.log.info({ jobId: id }, 'RunPod stopped the job; aborting it');
        t.cancelled = true;
        t.controller.abort();
        if (!t.started) {
          waiting.splice(waiting.indexOf(t), 1);
          jobs.delete(id);
        }
      }
      opts.onChange();
    },
    free: () => opts.concurrency - jobs.size,
    count: () => jobs.size,
    // Cancelled jobs are RunPod's already: they leave pings and job_in_progress at once, though
    // their slot stays taken until the handler has really let go of the CPU/GPU.
    reportedIds: () => [...jobs.values()].filter((t) => !t.cancelled).map((t) => t.job.id),
  };
}
