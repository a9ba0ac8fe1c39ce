/**
 * What crosses between threads: tensors as plain `{type, data, dims}` with their buffers moved
 * (transferList) instead of copied, and errors as `{code, message}` so a page's WorkerError keeps its
 * code on the other side.
 */
import ort from 'onnxruntime-node';
import { WorkerError, isWorkerError, type ErrorCode } from '../../errors.ts';

export interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

export interface WireError {
  code: ErrorCode;
  message: string;
  /** the original error's message, for the logs of an INFERENCE or INTERNAL error */
  cause?: string;
}

/**
 * `view` as a buffer of its own that can be moved to another thread: a view of a whole buffer V8
 * allocated is moved as it is; a part of a larger one (a pooled buffer the caller reuses) is copied.
 */
export function ownBuffer<T extends ArrayBufferView>(view: T, transfer: ArrayBuffer[]): T {
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer;
  const own = whole ? view : ((view as unknown as { slice(): T }).slice());
  transfer.push(own.buffer as ArrayBuffer);
  return own;
}

/** A tensor for postMessage. `copy`: the caller keeps using the data (inputs from reused buffers). */
export function toWire(t: ort.Tensor, transfer: ArrayBuffer[], copy: boolean): WireTensor {
  const data = t.data;
  if (!ArrayBuffer.isView(data)) return { type: t.type, data, dims: t.dims };
  const view = data as Exclude<ort.Tensor.DataType, string[]>;
  // shared memory crosses as it is: both threads see the same bytes (the benchmark's replayed outputs)
  if (view.buffer instanceof SharedArrayBuffer) return { type: t.type, data, dims: t.dims };
  const moved = copy ? view.slice() : view;
  return { type: t.type, data: ownBuffer(moved, transfer), dims: t.dims };
}

export function fromWire(w: WireTensor): ort.Tensor {
  return new ort.Tensor(w.type, w.data as never, w.dims);
}

export function errorToWire(err: unknown): WireError {
  if (isWorkerError(err)) {
    const cause = err.cause instanceof Error ? err.cause.stack ?? err.cause.message : err.cause === undefined ? undefined : String(err.cause);
    // the message as given, without the `path: ` prefix the constructor adds (kept whole: path is gone)
    return { code: err.code, message: err.message, cause };
  }
  return { code: 'INTERNAL', message: 'internal error', cause: err instanceof Error ? err.stack ?? err.message : String(err) };
}

export function errorFromWire(w: WireError): WorkerError {
  return new WorkerError(w.code, w.message, w.cause === undefined ? undefined : { cause: new Error(w.cause) });
}
