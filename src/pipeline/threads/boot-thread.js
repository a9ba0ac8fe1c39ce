// A worker thread's first module: TypeScript sources need tsx's loader, which a worker does not get
// from `node --import tsx` when the parent was started otherwise (vitest, a bundler), so it is
// registered here before the thread's own module (workerData.entry) is imported.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
