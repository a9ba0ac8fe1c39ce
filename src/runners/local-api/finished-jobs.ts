/**
 * The finished jobs the local API still answers /status for, oldest first, inside a count and a
 * byte budget. Without one, every finished job kept its whole request (up to 20 MB) for its
 * retention, and ~215 failing 19.5 MB jobs ran the process out of heap.
 */

/** What the budget needs to know of a finished job. */
export interface Finished {
  /** the bytes counted for it: output, error and undelivered stream chunks, plus `kept` */
  bytes: number;
  /** bytes that may be dropped while the job stays (a failed job's request, kept for /retry) */
  kept: number;
  /** drops the `kept` part */
  dropKept(): void;
  /** forgets the whole job (its id answers 404 from then on) */
  forget(): void;
}

export function createFinishedJobs(limits: { maxBytes: number; maxJobs: number }) {
  // insertion order = finishing order: the first entries are the oldest
  const held = new Set<Finished>();
  let bytes = 0;

  const remove = (job: Finished) => {
    if (held.delete(job)) bytes -= job.bytes;
  };

  const over = () => bytes > limits.maxBytes || held.size > limits.maxJobs;

  /** First the requests kept for /retry (the job still answers /status), then whole jobs; never the newest. */
  const trim = () => {
    for (const job of held) {
      if (bytes <= limits.maxBytes) break;
      if (job.kept === 0) continue;
      bytes -= job.kept;
      job.bytes -= job.kept;
      job.kept = 0;
      job.dropKept();
    }
    for (const job of held) {
      if (!over() || held.size <= 1) break;
      remove(job);
      job.forget();
    }
  };

  return {
    add(job: Finished) {
      held.add(job);
      bytes += job.bytes;
      trim();
    },
    /** the job leaves: expired, purged or retried */
    remove,
    get bytes() {
      return bytes;
    },
    get count() {
      return held.size;
    },
  };
}
export type FinishedJobs = ReturnType<typeof createFinishedJobs>;

/** The size of a value as JSON text: what it costs to keep, roughly, and exactly what /status sends. */
export function jsonSize(value: unknown): number {
  if (value === undefined) return 0;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}
