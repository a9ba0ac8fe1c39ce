/**
 * Writes test_input.json: one synthetic manga-style page from test/fixtures/synthetic-pages as a
 * `process_page` job, the job `npm run once` and RunPod's test runner execute.
 *
 *   node --import tsx scripts/make-test-input.ts [page.png] [--help]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticPage } from '../test/helpers/fixtures.ts';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('Usage: make-test-input [PAGE.png]\nWrites test_input.json and .runpod/tests.json with PAGE (default: test/fixtures/synthetic-pages/page-001.png).');
  process.exit(0);
}
const page = path.resolve(args[0] ?? syntheticPage('page-001.png'));
const job = {
  input: {
    type: 'process_page',
    title: 'Sample',
    volume: 'Sample volume 1',
    image: { name: path.basename(page), data: readFileSync(page).toString('base64') },
  },
};
writeFileSync('test_input.json', `${JSON.stringify(job)}\n`);
console.log(`test_input.json: ${path.basename(page)}, ${(JSON.stringify(job).length / 1024).toFixed(0)} KiB`);

// The RunPod Hub runs .runpod/tests.json on a real GPU: the same page, plus a health check.
const tests = {
  tests: [
    { name: 'health', input: { type: 'health' }, timeout: 60_000 },
    { name: 'process_page', input: job.input, timeout: 120_000 },
  ],
  config: { gpuTypeId: 'NVIDIA GeForce RTX 4090', gpuCount: 1, allowedCudaVersions: ['12.9', '12.8', '12.7', '12.6'] },
};
writeFileSync('.runpod/tests.json', `${JSON.stringify(tests, null, 1)}\n`);
console.log('.runpod/tests.json: health + the same page');
