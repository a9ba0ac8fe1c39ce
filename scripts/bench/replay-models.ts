/**
 * Models that answer instantly from recorded outputs, so a run times only our own work (the CPU
 * ceiling, issue 19). Loaded by the inference thread (InferenceThreadData.wrapModels): each session
 * is wrapped; a run whose inputs (session, names, types, shapes, bytes) hash to a recorded one gets
 * the recorded outputs (shared, see `recording`), any other run goes to the real session once and is
 * recorded. The hit/miss counts are answered on the `replay-models` BroadcastChannel.
 */
import { createHash } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { LoadedModels } from '../../src/models/load-models.ts';
import { REPEATED_INPUTS } from '../../src/pipeline/threads/remote-session.ts';
import { sessionsOf } from '../../src/pipeline/threads/sessions-of.ts';

export const REPLAY_CHANNEL = 'replay-models';
export interface ReplayCounts {
  hits: number;
  misses: number;
}

/** inputs over this many bytes are keyed by a sample of their words (see `sampled`) */
const SAMPLE_ABOVE = 1 << 16;
const SAMPLES = 1 << 12;

/**
 * The key of a large input: its length and every k-th 32-bit word (k such that 4 Ki words are read),
 * plus its first and last 4 kB whole. Hashing whole inputs (the decoder's hidden states, a page's
 * 12 MB detector input) made the replay, not our pipeline, the busiest thread of the timed run. Two
 * different inputs agreeing on all sampled words would replay the wrong outputs: the timed run's
 * documents are compared with the recording run's (cpu-side.ts), which would show it.
 */
function sampled(d: ArrayBufferView, hash: ReturnType<typeof createHash>): void {
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  hash.update(`${bytes.length}:`).update(bytes.subarray(0, 4096)).update(bytes.subarray(bytes.length - 4096));
  const words = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.byteLength >> 2) : new Uint32Array(bytes.slice().buffer, 0, d.byteLength >> 2);
  const step = Math.max(1, Math.floor(words.length / SAMPLES));
  const picked = new Uint32Array(Math.ceil(words.length / step));
  for (let i = 0, j = 0; i < words.length; i += step) picked[j++] = words[i];
  hash.update(picked);
}

/**
 * Digests of the inputs the inference thread was handed once and gets again, as the same object, at
 * every decoder step of a batch (remote-session.ts REPEATED_INPUTS); it owns them, nothing changes them.
 */
const digests = new WeakMap<object, string>();

function digestOf(name: string, d: ArrayBufferView): string {
  let h = REPEATED_INPUTS.includes(name) ? digests.get(d) : undefined;
  if (h) return h;
  const hash = createHash('sha1');
  sampled(d, hash);
  h = hash.digest('hex');
  if (REPEATED_INPUTS.includes(name)) digests.set(d, h);
  return h;
}

function inputKey(session: string, feeds: Record<string, ort.Tensor>, fetches?: readonly string[]): string {
  const hash = createHash('sha1').update(`${session}\n${fetches?.join(',') ?? '*'}\n`);
  for (const [name, t] of Object.entries(feeds).sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${name}:${t.type}:${t.dims.join('x')}\n`);
    const d = t.data;
    if (!ArrayBuffer.isView(d)) hash.update(JSON.stringify(d));
    else if (d.byteLength > SAMPLE_ABOVE) hash.update(digestOf(name, d));
    else hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return hash.digest('hex');
}

/**
 * Of the plain decoder's `logits [rows, T, vocab]` only the last position is recorded, which is all
 * the page thread reads (tensor-rows.ts lastPositionLogits takes `[rows, 1, vocab]` as it is):
 * copying every position at every step cost the replay more than the page threads' own work, and the
 * full tensor is the model's allocation, model time the ceiling leaves out.
 */
function lastPosition(t: ort.Tensor): ort.Tensor {
  const [rows, T, V] = t.dims;
  if (t.dims.length !== 3 || T === 1) return t;
  const data = t.data as Float32Array;
  const last = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++) last.set(data.subarray((r * T + T - 1) * V, (r * T + T) * V), r * V);
  return new ort.Tensor('float32', last, [rows, 1, V]);
}
/**
 * Outputs as recorded: in SharedArrayBuffers, which a reply shares with the page thread instead of
 * moving (wire.ts), so replaying them copies nothing. Copying a page's detector outputs (24 MB) and
 * encoder states at every replay made the replay the busiest thread after the page threads, on the
 * cores the ceiling measures. The decoder's logits stay unshared, copied per reply: the page thread
 * hands them to onnxruntime (log-sum-exp.ts), and onnxruntime-node refuses shared memory ("Invalid
 * argument"). Nothing in the pipeline writes into a model's outputs; if it did, a shared recording
 * would change, and the timed document would differ from the recorded one (cpu-side.ts).
 */
function recording(out: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(out).map(([k, t]) => {
      const d = t.data as Float32Array;
      if (k === 'logits' || !ArrayBuffer.isView(d)) return [k, new ort.Tensor(t.type, d.slice() as never, t.dims)];
      const shared = new SharedArrayBuffer(d.byteLength);
      new Uint8Array(shared).set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      return [k, new ort.Tensor(t.type, new (d.constructor as Float32ArrayConstructor)(shared) as never, t.dims)];
    }),
  );
}

/** A replay: the shared outputs as they are, a copy of the others (the reply moves their buffers). */
const replay = (out: Record<string, ort.Tensor>) =>
  Object.fromEntries(
    Object.entries(out).map(([k, t]) => {
      const d = t.data as Float32Array;
      return [k, d.buffer instanceof SharedArrayBuffer ? t : new ort.Tensor(t.type, d.slice() as never, t.dims)];
    }),
  );

/** a tensor onnxruntime will take: shared memory copied into its own */
const unshared = (t: ort.Tensor) => {
  const d = t.data as Float32Array;
  return d.buffer instanceof SharedArrayBuffer ? new ort.Tensor(t.type, d.slice() as never, t.dims) : t;
};

export async function wrapModels(models: LoadedModels): Promise<LoadedModels> {
  const counts: ReplayCounts = { hits: 0, misses: 0 };
  const recorded = new Map<string, Record<string, ort.Tensor>>();
  const channel = new BroadcastChannel(REPLAY_CHANNEL);
  channel.onmessage = (e) => {
    if ((e as MessageEvent).data === 'counts') channel.postMessage({ ...counts });
    if ((e as MessageEvent).data === 'reset') (counts.hits = 0), (counts.misses = 0);
  };
  (channel as unknown as { unref(): void }).unref();
  const wrapped: Record<string, unknown> = {};
  for (const [name, session] of Object.entries(sessionsOf(models))) {
    wrapped[name] = {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      inputMetadata: session.inputMetadata,
      outputMetadata: session.outputMetadata,
      async run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[]) {
        const key = inputKey(name, feeds, fetches);
        let out = recorded.get(key);
        if (out) counts.hits++;
        else {
          counts.misses++;
          // onnxruntime takes no shared memory: a replayed output fed back (PAGE_THREADS=0) is copied
          const own = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, unshared(t)]));
          out = fetches ? await session.run(own, fetches) : await session.run(own);
          if (name === 'decoder' && out.logits) out = { ...out, logits: lastPosition(out.logits) };
          recorded.set(key, recording(out));
        }
        return replay(recorded.get(key)!);
      },
    };
  }
  return { ...models, ...wrapped } as LoadedModels;
}

/** From any thread: the replay counts of the inference thread. */
export function replayCounts(): Promise<ReplayCounts> {
  const channel = new BroadcastChannel(REPLAY_CHANNEL);
  return new Promise((resolve) => {
    channel.onmessage = (e) => {
      const data = (e as MessageEvent).data as ReplayCounts | string;
      if (typeof data === 'object') channel.close(), resolve(data);
    };
    channel.postMessage('counts');
  });
}
