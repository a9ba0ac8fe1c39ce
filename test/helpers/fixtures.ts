/**
 * Where the test data lives. Everything the suite needs ships in the repository under test/fixtures/
 * (made for this project: synthetic pages, reference post-processing and preprocessing vectors), so a
 * clone passes on its own. The one exception is crops cut from published manga (kha-white/manga-ocr
 * `tests/data/`, and the reference preprocessing of six of them): those are not ours to redistribute, so
 * they are read from a test-data checkout beside the repository when there is one, and the tests using
 * them skip, saying why, when there is not.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');
/** The project's external test data (not part of the repository), looked for beside the clone. */
const EXTERNAL_TESTDATA = path.resolve(REPO_ROOT, '../shared/testdata');

/** Six synthetic manga-style pages (page-001.png … page-006.png) and their ground truth, truth.json. */
export const SYNTHETIC_PAGES = path.join(FIXTURES, 'synthetic-pages');
/** 24 detector-output cases and the reference comic-text-detector post-processing of each. */
export const CTD_REFERENCE = path.join(FIXTURES, 'ctd-reference');
/** Pillow preprocessing of random crops, and manga-ocr's post_process of 160 strings (reference.json). */
export const OCR_REFERENCE = path.join(FIXTURES, 'ocr-reference');

/** manga-ocr's own test crops and expected texts; undefined when the external test data is absent. */
export const MANGA_OCR_EXAMPLES = existing(path.join(EXTERNAL_TESTDATA, 'manga-ocr-examples'));
/** The reference preprocessing of six manga-ocr crops; undefined when the external test data is absent. */
export const OCR_REFERENCE_MANGA_CROPS = existing(path.join(EXTERNAL_TESTDATA, 'ocr-reference'));

/** Why the tests that read published-manga crops skip when those crops are not beside the repository. */
export const MANGA_CROPS_ABSENT =
  'crops from published manga are not in the repository; put the test data at ../shared/testdata to run this';

/** One synthetic page's path, e.g. syntheticPage('page-001.png'). */
export const syntheticPage = (name: string): string => path.join(SYNTHETIC_PAGES, name);

function existing(dir: string): string | undefined {
  return existsSync(dir) ? dir : undefined;
}
