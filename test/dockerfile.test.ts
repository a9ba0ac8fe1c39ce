import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * No Docker engine runs here, so CI checks what it can of the image: every file the Dockerfile
 * copies exists and is not docker-ignored, the scripts it runs exist and answer --help, the start
 * command is node itself, and the versions it names are the ones the README tells users.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const dockerfile = read('Dockerfile');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const args = Object.fromEntries(
  instructions.filter((l) => l.startsWith('ARG ')).map((l) => l.slice(4).split('=') as [string, string]),
);
const filesUnder = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
/** The repository files a module reaches through relative imports (static, dynamic, `new URL(…, import.meta.url)`). */
function importedFrom(entry: string, seen = new Set<string>()): Set<string> {
  seen.add(entry);
  const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'|new URL\('(\.{1,2}\/[^']+)',\s*import\.meta\.url\)/g;
  for (const m of read(entry).matchAll(IMPORT)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(entry), m[1] ?? m[2]));
    if (seen.has(target) || !/\.(ts|js)$/.test(target) || !existsSync(path.join(ROOT, target))) continue;
    // follow only what the image has: a reference outside it is recorded, not read
    if (target.startsWith('src/')) importedFrom(target, seen);
    else seen.add(target);
  }
  return seen;
}
const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter(Boolean);

describe('Dockerfile', () => {
  it('copies only files that exist in the repository and are not docker-ignored', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(3);
    for (const line of copies) {
      const parts = line.split(/\s+/).slice(1);
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(path.join(ROOT, src)), `${src} (in "${line}")`).toBe(true);
        expect(ignored.some((pattern) => src === pattern || src.startsWith(`${pattern}/`)), `${src} is docker-ignored`).toBe(false);
      }
    }
  });

  it('runs project scripts that exist and answer --help', () => {
    const scripts = [...dockerfile.matchAll(/node --import tsx (scripts\/[\w-]+\.ts)/g)].map((m) => m[1]);
    expect(scripts).toContain('scripts/download-models.ts');
    for (const script of scripts) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${script} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: /);
    }
  });

  it('starts the worker with node itself, so SIGTERM reaches it', () => {
    const cmd = instructions.filter((l) => l.startsWith('CMD ')).at(-1)!;
    // with the same node flags as `npm start` (the V8 heap sizing the benchmark measured)
    const start = (JSON.parse(read('package.json')).scripts.start as string).split(' ');
    expect(start.slice(-3)).toEqual(['--import', 'tsx', 'handler.ts']);
    expect(JSON.parse(cmd.slice(4))).toEqual(start);
    // the image never falls back to generated stand-ins: missing weights fail the start
    expect(instructions.some((l) => l.startsWith('ENV ') && /\bSTAND_IN_MODELS=never\b/.test(l))).toBe(true);
  });

  it('names the CUDA base image and Node version the README documents', () => {
    const readme = read('README.md');
    expect(args.CUDA_IMAGE).toMatch(/^nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-/);
    expect(readme).toContain(args.CUDA_IMAGE);
    const node = args.NODE_IMAGE.match(/^node:(\d+)-/)![1];
    expect(readme).toContain(`Node.js ${node}`);
    // the image's Node major is at least the major package.json's engines asks for (">=20.19" → 20)
    const floor = (JSON.parse(read('package.json')).engines.node as string).match(/\d+/)![0];
    expect(Number(node)).toBeGreaterThanOrEqual(Number(floor));
    expect(readme).toContain(`Node.js ≥ ${(JSON.parse(read('package.json')).engines.node as string).replace(/^>=/, '')}`);
  });

  it('ships in src/ only what the worker runs: every module is reached from handler.ts, tests stay out', () => {
    expect(instructions).toContain('COPY src src');
    expect(ignored).toContain('**/*.test.ts');
    const isIgnored = (f: string) => ignored.some((pattern) => f === pattern || f.startsWith(`${pattern}/`));
    const shipped = filesUnder('src').filter((f) => !f.endsWith('.test.ts') && !isIgnored(f));
    const reached = importedFrom('handler.ts');
    // besides modules, only the demo page's static files (served to the browser, not imported)
    const unreached = shipped.filter((f) => !reached.has(f) && !f.startsWith('src/runners/local-api/demo/'));
    expect(unreached).toEqual([]);
    expect([...reached].filter(isIgnored)).toEqual([]);
    // and it reaches nothing the image lacks (test helpers, scripts), but for the stand-in generator,
    // which src/models/resolve-models-dir.ts runs as a program when models are missing and
    // STAND_IN_MODELS allows generating them (never in the image)
    expect([...reached].filter((f) => f !== 'handler.ts' && !f.startsWith('src/'))).toEqual(['scripts/generate-stand-in-models.ts']);
    // run, never imported: no module of the worker loads code from scripts/ or test/
    const IMPORT_OUTSIDE = /(?:from\s+|import\s*\(\s*|import\s+)'(?:\.\.\/)+(?:scripts|test)\//;
    expect(filesUnder('src').filter((f) => !f.endsWith('.test.ts') && IMPORT_OUTSIDE.test(read(f)))).toEqual([]);
  });

  it('has RunPod Hub files whose test job is test_input.json', () => {
    const hub = JSON.parse(read('.runpod/hub.json'));
    expect(hub).toMatchObject({ type: 'serverless', config: { runsOn: 'GPU' } });
    const tests = JSON.parse(read('.runpod/tests.json'));
    const page = tests.tests.find((t: { name: string }) => t.name === 'process_page');
    expect(page.input).toEqual(JSON.parse(read('test_input.json')).input);
  });
});
