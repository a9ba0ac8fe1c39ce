import { parseArgs } from 'node:util';

/**
 * `mokuro-worker <volume paths…> [options]` (also `npm run ocr -- …`). Parsed from the argv and
 * environment the entry hands in; nothing here reads the process.
 */
export const USAGE = `Usage: mokuro-worker <volume paths…> [options]      (npm run ocr -- <volume paths…> [options])

Finds volumes as Mokuro does (folders of images, .zip/.cbz files) and writes <volume>.mokuro beside each.

  --parent-dir DIR      every folder and .zip/.cbz in DIR is a volume (Mokuro's --parent_dir)
  --endpoint URL        OCR on a RunPod endpoint (https://api.runpod.ai/v2/<id>) or a local API
                        (http://localhost:8000); without it, OCR runs in this process
  --api-key KEY         the endpoint's key (default: RUNPOD_API_KEY)
  --concurrency N       jobs in flight on the endpoint (default 4)
  --max-request-mb M    cap on one request body, in MB of 1 000 000 bytes (default 9.5: RunPod's /run takes 10 MB)
  --force               OCR volumes again whose .mokuro exists (default: skip them)
  --yes                 start without asking
  -h, --help            this text

Environment: RUNPOD_API_KEY, and the worker's own (MODELS_DIR, EXECUTION_PROVIDERS, OCR_DECODING, …) for local OCR.
`;

export interface CliArgs {
  paths: string[];
  parentDir?: string;
  endpoint?: string;
  apiKey?: string;
  concurrency: number;
  maxRequestBytes: number;
  force: boolean;
  yes: boolean;
  help: boolean;
  /** where relative paths start: the shell's folder, also under `npm run` (which moves to the package) */
  cwd: string;
}

export class UsageError extends Error {}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'parent-dir': { type: 'string' },
        parent_dir: { type: 'string' },
        endpoint: { type: 'string' },
        'api-key': { type: 'string' },
        concurrency: { type: 'string' },
        'max-request-mb': { type: 'string' },
        force: { type: 'boolean' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const concurrency = Number(values.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError('--concurrency: expected a whole number from 1 to 256');
  const mb = Number(values['max-request-mb'] ?? 9.5);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 1000) throw new UsageError('--max-request-mb: expected a number of MB above 0');
  const endpoint = values.endpoint;
  if (endpoint !== undefined && !/^https?:\/\/[^/]/i.test(endpoint)) throw new UsageError('--endpoint: expected an http(s) URL');
  return {
    paths: positionals,
    parentDir: values['parent-dir'] ?? values.parent_dir,
    endpoint,
    apiKey: values['api-key'] ?? (env.RUNPOD_API_KEY || undefined),
    concurrency,
    maxRequestBytes: Math.floor(mb * 1_000_000),
    force: values.force ?? false,
    yes: values.yes ?? false,
    help: values.help ?? false,
    cwd: env.INIT_CWD || cwd,
  };
}
