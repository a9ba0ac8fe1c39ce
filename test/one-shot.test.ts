import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODELS = path.join(ROOT, '.cache/models/one-shot');
/** tsx by absolute URL, so the program can start from any working directory */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;

/** `npx tsx handler.ts …` as a user runs it (tsx loaded into node directly, to skip npx's start-up). */
function run(args: string[], cwd = ROOT, input?: string) {
  const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'handler.ts'), ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, MODELS_DIR: MODELS, EXECUTION_PROVIDERS: 'cpu', OCR_DECODING: 'greedy', RUNPOD_WEBHOOK_GET_JOB: '' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('one-shot runner (handler.ts as a program)', () => {
  it('prints a health result and exits 0', () => {
    const r = run(['--test-input', '{"input":{"type":"health"}}']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.output).toMatchObject({ status: 'ready', ready: true, provider: { detector: 'cpu' }, stand_in_models: true });
  });

  it('exits 1 with a one-line reason naming the field for a bad page', () => {
    const r = run(['--test-input', '{"input":{"type":"process_page","image":"not-base64"}}']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: 'image: not a JPEG/PNG/WebP/AVIF/GIF image', output: { code: 'IMAGE_DECODE' } });
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs test_input.json by default and answers with a .mokuro volume', () => {
    const r = run([]);
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output.mokuro.pages).toHaveLength(1);
    expect(output.mokuro.pages[0]).toMatchObject({ img_path: 'page-001.png', img_width: 1200, img_height: 1700 });
  });

  it('runs RunPod\'s `--test-input "$(cat test_input.json)"` with a real page inline (onnxruntime-node segfaulted on that command line)', () => {
    const json = readFileSync(path.join(ROOT, 'test_input.json'), 'utf8');
    expect(json.length).toBeGreaterThan(40_000); // past the ~29 KB of argv at which onnxruntime-node crashed (exit 139)
    const r = run(['--test-input', json]);
    expect(r.stderr).not.toContain('Segmentation fault');
    expect(r.code).toBe(0);
    const { output } = JSON.parse(r.stdout);
    expect(output.mokuro.pages).toHaveLength(1);
    expect(output.mokuro.pages[0]).toMatchObject({ img_path: 'page-001.png', img_width: 1200, img_height: 1700 });
  });

  it('reads the test input from stdin with `--test-input -`', () => {
    const r = run(['--test-input', '-'], ROOT, '{"input":{"type":"process_page","image":"not-base64"}}');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: 'image: not a JPEG/PNG/WebP/AVIF/GIF image', output: { code: 'IMAGE_DECODE' } });
  });

  it('exits 1 when there is no test input', () => {
    const r = run([], mkdtempSync(path.join(tmpdir(), 'no-input-')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('test_input.json not found, exiting.');
  });

  it('exits 1 for input that is not JSON or has no input field', () => {
    expect(run(['--test-input', '{oops']).code).toBe(1);
    const r = run(['--test-input', '{"id":"x"}']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: 'test input has no "input" field' });
  });
});
