import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ProcessOutput } from '../contract/output.ts';
import { mokuroFileName, packOutput } from './pack-output.ts';

const result: ProcessOutput = {
  mokuro: { version: '0.2.5', title: 'T', title_uuid: 'a', volume: 'Vol: 1/2', volume_uuid: 'b', pages: [] },
  errors: [],
  stats: { pages: 0, lines: 0, timings_ms: {}, provider: {}, worker_version: 't', models: 'stand-in' },
};
const noClient = () => Promise.reject(new Error('no network here'));

describe('packOutput', () => {
  it('leaves a JSON answer as it is', async () => {
    expect(await packOutput(result, { output: 'json' }, { client: noClient })).toBe(result);
  });

  it('gzips and base64-encodes the document for "gzip", with the file name to save it as', async () => {
    const out = await packOutput(result, { output: 'gzip' }, { client: noClient });
    expect(out).not.toHaveProperty('mokuro');
    expect(out).toMatchObject({ mokuro_file: 'Vol_ 1_2.mokuro.gz', errors: [], stats: result.stats });
    const gz = (out as { mokuro_gzip: string }).mokuro_gzip;
    expect(JSON.parse(gunzipSync(Buffer.from(gz, 'base64')).toString('utf8'))).toEqual(result.mokuro);
  });

  it('names files safely', () => {
    expect(mokuroFileName('a/b\\c:d', false)).toBe('a_b_c_d.mokuro');
    expect(mokuroFileName('', true)).toBe('volume.mokuro.gz');
  });
});
