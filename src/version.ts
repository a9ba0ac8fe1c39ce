import { readFileSync } from 'node:fs';

/** This worker's own version (package.json); the `.mokuro` format version is separate. */
export const WORKER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
