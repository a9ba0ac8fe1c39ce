/**
 * Model sessions used from another thread than the one that owns them: the page threads hold a
 * `RemoteSession` per model, whose `run` sends the feeds to the inference thread over a MessagePort
 * and resolves with the outputs it sends back (buffers moved, not copied). The inference thread
 * serves every page thread's port with `serveSessions`; onnxruntime-node's `run` blocks the thread it
 * is called on, which is why only that thread calls it.
 */
import type { MessagePort } from 'node:worker_threads';
import type ort from 'onnxruntime-node';
import { fromWire, toWire, type WireTensor } from './wire.ts';
import { post } from './post.ts';
import { createSpareBuffers } from './spare-buffers.ts';

/** What a page thread needs to know of a session without holding it. */
export interface SessionShape {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: readonly ort.InferenceSession.ValueMetadata[];
  outputMetadata: readonly ort.InferenceSession.ValueMetadata[];
}

/** The subset of ort.InferenceSession the pipeline calls. */
export interface RunnableSession extends SessionShape {
  run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[]): Promise<Record<string, ort.Tensor>>;
}

/**
 * An input sent as `{ again: name }` is the tensor this port last sent under that name: the decoder's
 * `encoder_hidden_states` (tens of MB for a batch) is the same tensor object at every step of a
 * batch (tensor-rows.ts rowsOfCrops), so it crosses once per batch instead of once per step.
 */
type WireFeed = WireTensor | { again: string };

interface RunRequest {
  id: number;
  session: string;
  feeds: Record<string, WireFeed>;
  fetches?: readonly string[];
}

/** inputs the pipeline hands over unchanged, as the same tensor object, for many runs in a row */
export const REPEATED_INPUTS = ['encoder_hidden_states'];

/**
 * A failed run comes back as the error's text: the page thread's pipeline calls it an INFERENCE error.
 * `spent`: the buffers of the run's inputs, moved back for the page thread to copy its next inputs
 * into (see `createRemoteSessions`).
 */
type RunReply = { id: number; outputs: Record<string, WireTensor>; spent: ArrayBuffer[] } | { id: number; failure: string };

/** inputs smaller than this are copied into fresh memory; larger ones into a spent buffer (spare-buffers.ts) */
const REUSE_ABOVE = 1 << 16;
/** spent buffers a page thread keeps: a few pages' detector inputs (12 MB each) and batches' pixels */
const SPARE_BYTES = 64 * 2 ** 20;

export function shapeOf(s: SessionShape): SessionShape {
  return {
    inputNames: [...s.inputNames],
    outputNames: [...s.outputNames],
    inputMetadata: structuredClone(s.inputMetadata),
    outputMetadata: structuredClone(s.outputMetadata),
  };
}

/** Sessions of the inference thread, by name, answering one page thread's port. */
export function serveSessions(port: MessagePort, sessions: Record<string, RunnableSession | undefined>): void {
  const last = new Map<string, ort.Tensor>();
  const feedOf = (name: string, v: WireFeed) => {
    if ('again' in v) return last.get(v.again)!;
    const t = fromWire(v);
    if (REPEATED_INPUTS.includes(name)) last.set(name, t);
    return t;
  };
  port.on('message', async (req: RunRequest) => {
    try {
      const session = sessions[req.session];
      if (!session) throw new Error(`no session ${req.session}`);
      const feeds = Object.fromEntries(Object.entries(req.feeds).map(([k, v]) => [k, feedOf(k, v)]));
      const out = req.fetches ? await session.run(feeds, req.fetches) : await session.run(feeds);
      const transfer: ArrayBuffer[] = [];
      const outputs = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, toWire(v, transfer, false)]));
      // the inputs' buffers go back, but not one kept for the next step of the batch
      const spent = Object.entries(feeds).flatMap(([k, t]) => {
        const b = (t.data as ArrayBufferView).buffer;
        return ArrayBuffer.isView(t.data) && b instanceof ArrayBuffer && b.byteLength > REUSE_ABOVE && last.get(k) !== t && !transfer.includes(b) ? [b] : [];
      });
      post(port, { id: req.id, outputs, spent } satisfies RunReply, [...transfer, ...spent]);
    } catch (err) {
      post(port, { id: req.id, failure: err instanceof Error ? err.message : String(err) } satisfies RunReply);
    }
  });
}

/** A session of the inference thread, called from a page thread. */
export function createRemoteSessions(port: MessagePort, shapes: Record<string, SessionShape | undefined>) {
  let next = 0;
  /** the tensor object last sent per repeated input name */
  const sent = new Map<string, ort.Tensor>();
  const spare = createSpareBuffers(SPARE_BYTES);
  const copyOf = (t: ort.Tensor, transfer: ArrayBuffer[]): WireTensor => {
    const data = t.data;
    if (!ArrayBuffer.isView(data) || data.byteLength <= REUSE_ABOVE) return toWire(t, transfer, true);
    const buffer = spare.take(data.byteLength);
    new Uint8Array(buffer).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    transfer.push(buffer);
    const Ctor = (data as unknown as { constructor: new (b: ArrayBuffer) => ArrayBufferView }).constructor;
    return { type: t.type, data: new Ctor(buffer) as ort.Tensor.DataType, dims: t.dims };
  };
  const wireOf = (name: string, t: ort.Tensor, transfer: ArrayBuffer[]): WireFeed => {
    if (!REPEATED_INPUTS.includes(name)) return copyOf(t, transfer);
    if (sent.get(name) === t) return { again: name };
    sent.set(name, t);
    return copyOf(t, transfer);
  };
  const pending = new Map<number, { resolve: (v: Record<string, ort.Tensor>) => void; reject: (e: Error) => void }>();
  port.on('message', (reply: RunReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('failure' in reply) return p.reject(new Error(reply.failure));
    spare.keep(reply.spent);
    p.resolve(Object.fromEntries(Object.entries(reply.outputs).map(([k, v]) => [k, fromWire(v)])));
  });
  const remote = (name: string, shape: SessionShape): RunnableSession => ({
    ...shape,
    run(feeds, fetches) {
      const id = next++;
      const transfer: ArrayBuffer[] = [];
      // inputs are copied: the pipeline fills some of them from buffers it reuses (buffer-pool.ts)
      const wire = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, wireOf(k, v, transfer)]));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        post(port, { id, session: name, feeds: wire, fetches } satisfies RunRequest, transfer);
      });
    },
  });
  return Object.fromEntries(
    Object.entries(shapes).flatMap(([name, shape]) => (shape ? [[name, remote(name, shape)]] : [])),
  ) as Record<string, RunnableSession>;
}
