import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('createLogger in RunPod mode', () => {
  it('writes one JSON object per line with requestId, message and level, also from child loggers', () => {
    const script = `
      import { createLogger } from './src/logger.ts';
      const log = createLogger({ level: 'info', runpod: true });
      log.child({ jobId: 'job-1' }).info('page done');
      log.warn({ jobId: 'job-2' }, 'slow');
      log.info('idle');`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ requestId: 'job-1', message: 'page done', level: 'INFO' }),
      expect.objectContaining({ requestId: 'job-2', message: 'slow', level: 'WARN' }),
      expect.objectContaining({ requestId: null, message: 'idle', level: 'INFO' }),
    ]);
  });
});
