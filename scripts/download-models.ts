/**
 * Downloads the real model weights listed in models/manifest.json and checks each file's sha256
 * and size; a mismatch deletes the download and fails. Used by the Dockerfile at build time.
 *
 *   node --import tsx scripts/download-models.ts [--dir models] [--help]
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { readManifest, type ModelEntry } from '../src/models/manifest.ts';
import { sha256File } from '../src/models/verify-files.ts';

const HELP = `Usage: download-models [--dir DIR]
Downloads the comic-text-detector and manga-ocr ONNX weights (about 560 MB) into DIR
(default: models/), verifying each file's sha256 against models/manifest.json.
Files that are already present and verified are skipped.`;

/** A network failure as one sentence a user can act on. */
function explain(err: unknown, url: string): string {
  const host = new URL(url).host;
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNREFUSED' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `cannot reach ${host} (${code}): downloading the real weights needs internet access; offline, use \`npm run models:stand-in\` for generated stand-in models`;
  }
  return `download from ${host} failed: ${(err as Error).message}`;
}

async function download(entry: ModelEntry, dir: string): Promise<void> {
  const target = path.join(dir, entry.file);
  if (existsSync(target) && (await sha256File(target)) === entry.sha256) {
    console.log(`${entry.file}: present and verified`);
    return;
  }
  const part = `${target}.part`;
  const hash = createHash('sha256');
  let bytes = 0;
  const started = Date.now();
  try {
    const res = await fetch(entry.url, { redirect: 'follow', signal: AbortSignal.timeout(30 * 60_000) });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
    body.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    await pipeline(body, createWriteStream(part));
  } catch (err) {
    rmSync(part, { force: true });
    throw new Error(`${entry.file}: ${explain(err, entry.url)}`);
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== entry.sha256 || bytes !== entry.bytes) {
    rmSync(part, { force: true });
    throw new Error(`${entry.file}: checksum mismatch (got ${bytes} bytes, sha256 ${sha256}; expected ${entry.bytes} bytes, sha256 ${entry.sha256})`);
  }
  renameSync(part, target);
  console.log(`${entry.file}: ${(bytes / 1e6).toFixed(1)} MB verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function downloadModels(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const entry of readManifest().models) await download(entry, dir);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const { values } = parseArgs({ options: { dir: { type: 'string', default: 'models' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
  } else {
    downloadModels(path.resolve(values.dir!)).catch((err: Error) => {
      console.error(`download-models: ${err.message}`);
      process.exit(1);
    });
  }
}
