import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerError } from '../errors.ts';
import { STAND_IN_MARKER, type Manifest } from './manifest.ts';

export interface VerifiedFile {
  id: string;
  file: string;
  path: string;
  sha256: string;
  /** true when the file's sha256 equals the pinned one */
  verified: boolean;
}

/** Hashes already computed for unchanged files (same size and mtime), so cold starts hash once. */
const CACHE_FILE = '.sha256-cache.json';
type HashCache = Record<string, { size: number; mtimeMs: number; sha256: string }>;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function readCache(dir: string): HashCache {
  try {
    return JSON.parse(readFileSync(path.join(dir, CACHE_FILE), 'utf8')) as HashCache;
  } catch {
    return {};
  }
}

async function cachedSha256(dir: string, file: string, cache: HashCache): Promise<string> {
  const full = path.join(dir, file);
  const { size, mtimeMs } = statSync(full);
  const hit = cache[file];
  if (hit && hit.size === size && hit.mtimeMs === mtimeMs) return hit.sha256;
  const sha256 = await sha256File(full);
  cache[file] = { size, mtimeMs, sha256 };
  return sha256;
}

export function isStandInDir(dir: string): boolean {
  return existsSync(path.join(dir, STAND_IN_MARKER));
}

/**
 * Every required file exists and, unless the folder holds generated stand-in models or `verify` is
 * `off` (MODELS_VERIFY), has the pinned sha256. Hashes are computed either way, so `health` tells
 * which files are the pinned ones. Fails with one sentence that says what to run.
 */
export async function verifyModelFiles(
  dir: string,
  manifest: Manifest,
  verify: 'sha256' | 'off' = 'sha256',
): Promise<{ files: VerifiedFile[]; standIn: boolean }> {
  const standIn = isStandInDir(dir);
  const missing = manifest.models.filter((m) => !existsSync(path.join(dir, m.file)));
  if (missing.length > 0) {
    throw new WorkerError(
      'MODEL_LOAD',
      `model files missing in ${dir}: ${missing.map((m) => m.file).join(', ')} ` +
        '(run `npm run models:download` for the real weights, or `npm run models:stand-in` for generated stand-ins)',
    );
  }
  const cache = readCache(dir);
  const files: VerifiedFile[] = [];
  for (const m of manifest.models) {
    const sha256 = await cachedSha256(dir, m.file, cache);
    const verified = sha256 === m.sha256;
    if (!verified && !standIn && verify === 'sha256') {
      throw new WorkerError(
        'MODEL_LOAD',
        `${m.file}: sha256 ${sha256} does not match the pinned ${m.sha256} ` +
          '(re-run `npm run models:download`; MODELS_VERIFY=off runs other exports of the same models, unverified)',
      );
    }
    files.push({ id: m.id, file: m.file, path: path.join(dir, m.file), sha256, verified });
  }
  try {
    writeFileSync(path.join(dir, CACHE_FILE), JSON.stringify(cache, null, 1));
  } catch {
    // a read-only models folder only costs a re-hash next start
  }
  return { files, standIn };
}
