import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import { silentLogger } from '../logger.ts';
import { STAND_IN_MARKER } from './manifest.ts';
import { resolveModelsDir } from './resolve-models-dir.ts';

const root = mkdtempSync(path.join(tmpdir(), 'resolve-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const models = (standIn: Config['models']['standIn']) => ({ dir: root, standIn }) as Config['models'];

describe('resolveModelsDir', () => {
  it('generates stand-ins once, in a child process, when the real weights are missing', async () => {
    const dir = await resolveModelsDir(models('auto'), silentLogger());
    expect(dir).toBe(path.join(root, 'stand-in'));
    expect(readdirSync(dir).sort()).toEqual(['comictextdetector.pt.onnx', 'decoder_model.onnx', 'encoder_model.onnx', 'vocab.txt', STAND_IN_MARKER].sort());
    // a current set is reused as it is
    const written = statSync(path.join(dir, 'encoder_model.onnx')).mtimeMs;
    expect(await resolveModelsDir(models('always'), silentLogger())).toBe(dir);
    expect(statSync(path.join(dir, 'encoder_model.onnx')).mtimeMs).toBe(written);
  });

  it('answers MODEL_LOAD with the generator\'s error line when generating fails', async () => {
    // a file where the models folder should be: the generator cannot create stand-in/ below it
    const file = path.join(root, 'not-a-folder');
    writeFileSync(file, '');
    const err = await resolveModelsDir({ dir: file, standIn: 'auto' } as Config['models'], silentLogger()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_LOAD', message: expect.stringMatching(/generating stand-ins in .*not-a-folder\/stand-in failed: Error: ENOTDIR/) });
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('never generates with STAND_IN_MODELS=never: the configured folder is loaded (and fails there)', async () => {
    const empty = mkdtempSync(path.join(root, 'never-'));
    expect(await resolveModelsDir({ dir: empty, standIn: 'never' } as Config['models'], silentLogger())).toBe(empty);
    expect(existsSync(path.join(empty, 'stand-in'))).toBe(false);
  });
});
