/**
 * The production path on a models folder that is not the pinned files: MODELS_VERIFY=off on a copy of
 * the stand-ins (no stand-in marker, so no checksum matches and nothing marks them as generated). The
 * stand-ins declare exactly the pinned files' I/O (scripts/generate-stand-in-models.test.ts), so this is
 * what a user's own export, or the parity replicas, go through: load → I/O check → warm-up → jobs, in
 * all three ways the worker runs (one-shot, local API, RunPod loop). Models of the wrong geometry must
 * fail the start with MODEL_LOAD naming the tensor and its size.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './helpers/free-port.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModelsDir } from '../scripts/onnx/stand-in-fixture.ts';
import { createGraph } from '../scripts/onnx/graph-builder.ts';
import { ENCODER_IO } from '../scripts/onnx/model-io.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { startWorker } from '../src/pipeline/start-worker.ts';
import { startFakeRunpod } from './helpers/fake-runpod-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
const FILES = ['comictextdetector.pt.onnx', 'encoder_model.onnx', 'decoder_model.onnx', 'vocab.txt'];

const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The stand-ins' files alone in a fresh folder; `replace` swaps some for other bytes. */
function modelsFolder(replace: Record<string, Uint8Array> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mokuro-unpinned-'));
  temp.push(dir);
  for (const f of FILES) copyFileSync(path.join(tinyModelsDir(), f), path.join(dir, f));
  for (const [f, bytes] of Object.entries(replace)) writeFileSync(path.join(dir, f), bytes);
  return dir;
}

const env = (models: string, extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  MODELS_DIR: models,
  MODELS_VERIFY: 'off',
  // never fall back to generated stand-ins: these files are what must run
  STAND_IN_MODELS: 'never',
  EXECUTION_PROVIDERS: 'cpu',
  OCR_DECODING: 'greedy',
  PAGE_CACHE_ENTRIES: '0',
  ...extra,
});

const logLines = (text: string) =>
  text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

function started(args: string[], environment: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'handler.ts'), ...args], {
    cwd: ROOT,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const stop = async (p: { child: ChildProcess; exited: Promise<number | null> }) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

const page = (JSON.parse(readFileSync(path.join(ROOT, 'test_input.json'), 'utf8')) as { input: { image: unknown } }).input.image;

describe('MODELS_VERIFY=off on models with the pinned files\' I/O (unpinned copies of the stand-ins)', () => {
  const models = modelsFolder();

  it('npm run once: loads, warms up at the real sizes and OCRs test_input.json, saying "unverified"', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'mokuro-once-'));
    temp.push(cwd);
    copyFileSync(path.join(ROOT, 'test_input.json'), path.join(cwd, 'test_input.json'));
    const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'scripts/once.ts')], {
      cwd,
      env: { ...env(models), RUNPOD_WEBHOOK_GET_JOB: '' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const logs = logLines(r.stderr);
    expect(logs.find((l) => l.level === 40 && String(l.msg).startsWith('MODELS_VERIFY=off'))?.msg).toMatch(
      /^MODELS_VERIFY=off: comictextdetector\.pt\.onnx, encoder_model\.onnx, decoder_model\.onnx, vocab\.txt do not match the pinned sha256; running UNVERIFIED models/,
    );
    expect(logs.find((l) => l.msg === 'ready')).toMatchObject({ warm_ms: expect.any(Number) });
    const written = path.join(cwd, 'out', 'Sample volume 1.mokuro');
    expect(existsSync(written)).toBe(true);
    const volume = JSON.parse(readFileSync(written, 'utf8')) as { pages: { blocks: unknown[]; img_path: string }[] };
    expect(volume.pages.map((p) => p.img_path)).toEqual(['page-001.png']);
    expect(volume.pages[0].blocks.length).toBeGreaterThan(0);
  }, 120_000);

  it('the same folder with the default MODELS_VERIFY=sha256 fails the start naming the checksum', () => {
    const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'handler.ts')], {
      cwd: ROOT,
      env: { ...env(models, { MODELS_VERIFY: 'sha256' }), RUNPOD_WEBHOOK_GET_JOB: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: expect.stringMatching(/^comictextdetector\.pt\.onnx: sha256 [0-9a-f]{64} does not match the pinned 1a86ace7/),
      output: { code: 'MODEL_LOAD' },
    });
  }, 90_000);

  it('--serve-api: answers health and a page over HTTP, both saying "unverified"', async () => {
    const port = await freePort();
    const api = started(['--serve-api', '--rp_api_host', '127.0.0.1', '--rp_api_port', String(port)], env(models));
    try {
      const base = `http://127.0.0.1:${port}`;
      const runsync = async (input: unknown) => {
        const res = await fetch(`${base}/runsync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input }) });
        return (await res.json()) as { status: string; output: Record<string, any> };
      };
      let health: { status: string; output: Record<string, any> } | undefined;
      // the API answers while the models load; health says when they are ready (or failed)
      for (let i = 0; i < 300 && health?.output?.status !== 'ready'; i++) {
        health = await runsync({ type: 'health' }).catch(() => undefined);
        if (health?.output?.status === 'failed') break;
        if (health?.output?.status !== 'ready') await new Promise((r) => setTimeout(r, 200));
      }
      expect(health?.output, api.output()).toMatchObject({ status: 'ready', model_weights: 'unverified', stand_in_models: false });
      expect(health!.output.models.map((m: { file: string; verified: boolean }) => [m.file, m.verified])).toEqual([
        ['comictextdetector.pt.onnx', false],
        ['encoder_model.onnx', false],
        ['decoder_model.onnx', false],
        ['vocab.txt', false],
      ]);
      const job = await runsync({ type: 'process_page', image: page });
      expect(job.status).toBe('COMPLETED');
      expect(job.output.stats.models).toBe('unverified');
      expect(job.output.mokuro.pages).toHaveLength(1);
      expect(job.output.mokuro.pages[0].blocks.length).toBeGreaterThan(0);
      expect(await stop(api)).toBe(0);
    } finally {
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
    }
  }, 120_000);

  it('the RunPod loop: warms up, takes a job, posts the page', async () => {
    const fake = await startFakeRunpod();
    const worker = started([], {
      ...env(models),
      RUNPOD_WEBHOOK_GET_JOB: fake.templates.take,
      RUNPOD_WEBHOOK_POST_OUTPUT: fake.templates.done,
      RUNPOD_WEBHOOK_POST_STREAM: fake.templates.stream,
      RUNPOD_WEBHOOK_PING: fake.templates.ping,
      RUNPOD_POD_ID: 'pod-unverified',
      RUNPOD_AI_API_KEY: 'test-key',
    });
    try {
      fake.giveJobs({ id: 'job-unverified', input: { type: 'process_page', image: page } });
      // progress posts say IN_PROGRESS; the result is the one post without it
      const posted = () => fake.of('done').filter((r) => r.path.endsWith('/job-unverified') && JSON.parse(r.body).status !== 'IN_PROGRESS');
      await fake.waitFor(() => posted().length > 0, 90_000);
      const body = JSON.parse(posted()[0].body) as { output: { stats: { models: string }; mokuro: { pages: { blocks: unknown[] }[] } } };
      expect(body.output.stats.models).toBe('unverified');
      expect(body.output.mokuro.pages).toHaveLength(1);
      expect(body.output.mokuro.pages[0].blocks.length).toBeGreaterThan(0);
      expect(logLines(worker.output()).some((l) => l.msg === 'ready')).toBe(true);
      expect(await stop(worker)).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await fake.close();
    }
  }, 120_000);
});

/** An encoder declaring the pinned file's I/O whose output is `[B, tokens, 768]` zeros. */
function encoderGiving(tokens: number): Uint8Array {
  const g = createGraph('wrong-geometry-encoder');
  const [pixels] = ENCODER_IO.inputs.map((t) => g.input(t.name, t.dtype, t.dims));
  const shape = g.op('Concat', [g.op('Shape', [pixels], { start: 0, end: 1 }), g.constI([tokens, 768])], { axis: 0 });
  g.output('last_hidden_state', 'float32', ENCODER_IO.outputs[0].dims, g.op('ConstantOfShape', [shape]));
  return g.encode();
}

/** A patch embedding for 1-channel images: its Conv throws on 3 channels, as the real one did on 1. */
function encoderForChannels(channels: number, declared = ENCODER_IO.inputs[0].dims): Uint8Array {
  const g = createGraph('wrong-channels-encoder');
  const pixels = g.input('pixel_values', 'float32', declared);
  const conv = g.op('Conv', [pixels, g.init('w', [768, channels, 16, 16], new Float32Array(768 * channels * 256))], { strides: [16, 16] });
  const tokens = g.op('Transpose', [g.op('Reshape', [conv, g.constI([0, 768, -1])])], { perm: [0, 2, 1] });
  g.output('last_hidden_state', 'float32', ENCODER_IO.outputs[0].dims, tokens);
  return g.encode();
}

const startWith = (models: string) =>
  startWorker(loadConfig([], env(models), ROOT), silentLogger());

describe('a model of the wrong geometry fails the start with MODEL_LOAD naming the tensor and size', () => {
  it('an encoder giving 50 tokens', async () => {
    await expect(startWith(modelsFolder({ 'encoder_model.onnx': encoderGiving(50) }))).rejects.toMatchObject({
      code: 'MODEL_LOAD',
      message: 'encoder_model.onnx: last_hidden_state is [1,50,768], expected [batch,197,768]',
    });
  });

  it('an encoder for 1-channel images, its dims symbolic: the warm-up run at [1,3,224,224] fails', async () => {
    await expect(startWith(modelsFolder({ 'encoder_model.onnx': encoderForChannels(1) }))).rejects.toMatchObject({
      code: 'MODEL_LOAD',
      message: expect.stringMatching(/^encoder_model\.onnx: warm-up with pixel_values \[1,3,224,224\] failed: .+/),
    });
  });

  it('an encoder declaring 1 channel: refused by the I/O check before any run', async () => {
    const declared = ['batch_size', 1, 'height', 'width'];
    await expect(startWith(modelsFolder({ 'encoder_model.onnx': encoderForChannels(1, declared) }))).rejects.toMatchObject({
      code: 'MODEL_LOAD',
      message: 'encoder_model.onnx is not the expected model: input "pixel_values" dim 1 is 1, expected 3',
    });
  });

  it('one-shot answers the reason in one line, not "internal error"', () => {
    const models = modelsFolder({ 'encoder_model.onnx': encoderGiving(50) });
    const r = spawnSync(process.execPath, ['--import', TSX, path.join(ROOT, 'handler.ts')], {
      cwd: ROOT,
      env: { ...env(models), RUNPOD_WEBHOOK_GET_JOB: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: 'encoder_model.onnx: last_hidden_state is [1,50,768], expected [batch,197,768]',
      output: { code: 'MODEL_LOAD' },
    });
  }, 90_000);
});
