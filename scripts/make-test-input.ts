/**
 * Writes test_input.json: one synthetic manga-style page from ../shared/testdata as a
 * `process_page` job, the job `npm run once` and RunPod's test runner execute.
 *
 *   node --import tsx scripts/make-test-input.ts [page.png] [--help]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('Usage: make-test-input [PAGE.png]\nWrites test_input.json with PAGE (default: ../shared/testdata/synthetic-pages/page-001.png).');
  process.exit(0);
}
const page = path.resolve(args[0] ?? '../shared/testdata/synthetic-pages/page-001.png');
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
