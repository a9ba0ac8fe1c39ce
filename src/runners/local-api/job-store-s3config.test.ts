import { describe, expect, it } from 'vitest';
import type { Job } from '../../handler/create-handler.ts';
import { silentLogger } from '../../logger.ts';
import { createJobStore } from './job-store.ts';

describe('local API job store: s3Config', () => {
  it('hands a request\'s s3Config to the handler next to input, as RunPod does', async () => {
    const seen: Job[] = [];
    const store = createJobStore({
      handler: async (job) => {
        seen.push(job);
        return { error: 'stop here', code: 'INVALID_INPUT' };
      },
      concurrency: 1,
      maxQueue: 10,
      log: silentLogger(),
    });
    const s3Config = { accessId: 'a', accessSecret: 's', bucketName: 'b', endpointUrl: 'https://s3.example.com' };
    const withS3 = store.submit({ input: { type: 'health' }, s3Config, sync: true });
    const without = store.submit({ input: { type: 'health' }, sync: true });
    await store.wait(withS3, 2000);
    await store.wait(without, 2000);
    expect(seen[0]).toMatchObject({ id: withS3.id, s3Config });
    expect(seen[1]).not.toHaveProperty('s3Config');
  });
});
