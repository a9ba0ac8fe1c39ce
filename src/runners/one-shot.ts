import { existsSync, readFileSync } from 'node:fs';
import type { Handler } from '../handler/create-handler.ts';
import type { Logger } from '../logger.ts';
import { mapResult, mapException, type MappedResult } from './map-result.ts';

export interface OneShotOptions {
  /** JSON given with --test-input; wins over the file */
  testInput?: string;
  testInputFile: string;
  /** wait for this before running (models loaded or failed), so health is meaningful */
  ready?: Promise<unknown>;
  /** prints the mapped result (default: one JSON line on stdout) */
  write?: (line: string) => void;
  /** where `--test-input -` reads the JSON (process.stdin) */
  stdin?: NodeJS.ReadableStream;
  /** the mapped result itself, for callers that present it their own way (npm run once) */
  onResult?: (mapped: MappedResult) => void;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * runpod/runpod-python runpod/serverless/modules/rp_local.py: run the handler once on `--test-input`
 * (`-`: JSON on standard input) or `test_input.json`, print the mapped result as one JSON line on
 * stdout, and return the exit code (1 when the result has an error).
 */
export async function runOneShot(handler: Handler, opts: OneShotOptions, log: Logger): Promise<number> {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  let text = opts.testInput === '-' ? await readAll(opts.stdin ?? process.stdin) : opts.testInput;
  if (text === undefined) {
    if (!existsSync(opts.testInputFile)) {
      log.warn('test_input.json not found, exiting.');
      return 1;
    }
    text = readFileSync(opts.testInputFile, 'utf8');
  }
  let job: { id?: unknown; input?: unknown };
  try {
    job = JSON.parse(text) as typeof job;
  } catch (err) {
    log.error(`test input is not valid JSON: ${(err as Error).message}`);
    write(JSON.stringify({ error: `test input is not valid JSON: ${(err as Error).message}` }));
    return 1;
  }
  if (!job || typeof job !== 'object' || job.input === undefined) {
    log.error('test input has no "input" field');
    write(JSON.stringify({ error: 'test input has no "input" field' }));
    return 1;
  }
  const id = typeof job.id === 'string' && job.id ? job.id : 'local_test';
  await opts.ready?.catch(() => undefined);
  let mapped: MappedResult;
  try {
    mapped = mapResult(await handler({ id, input: job.input }));
  } catch (err) {
    mapped = mapException(err, 'local');
  }
  write(JSON.stringify(mapped));
  opts.onResult?.(mapped);
  return mapped.error ? 1 : 0;
}
