import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

  it('never generates with STAND_IN_MODELS=never: the configured folder is loaded (and fails there)', async () => {
    const empty = mkdtempSync(path.join(root, 'never-'));
    expect(await resolveModelsDir({ dir: empty, standIn: 'never' } as Config['models'], silentLogger())).toBe(empty);
    expect(existsSync(path.join(empty, 'stand-in'))).toBe(false);
  });
});
