import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { titleUuidOf, volumeUuidOf } from '../pipeline/uuid5.ts';
import { applyTitleUuid, titleUuidFor, volumeUuidFor } from './volume-uuids.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function titleDir(docs: Record<string, object>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'uuids-'));
  dirs.push(dir);
  for (const [name, doc] of Object.entries(docs)) writeFileSync(path.join(dir, name), JSON.stringify(doc));
  return dir;
}
const read = (dir: string, name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8'));

describe("title and volume uuids (Mokuro's Title.set_uuid, Volume.__init__)", () => {
  it("reuses the folder's one title uuid and gives it to a document that lacks it", () => {
    const dir = titleDir({ 'v1.mokuro': { title_uuid: A }, 'v2.mokuro': { title_uuid: A }, 'v3.mokuro': { volume: 'v3' } });
    const t = titleUuidFor(dir, 'T');
    expect(t).toEqual({ uuid: A, stale: [path.join(dir, 'v3.mokuro')] });
    applyTitleUuid(t);
    expect(read(dir, 'v3.mokuro')).toEqual({ volume: 'v3', title_uuid: A });
  });

  it('on conflicting uuids picks one for the title and writes it into every document', () => {
    const dir = titleDir({ 'v1.mokuro': { title_uuid: A }, 'v2.mokuro': { title_uuid: B } });
    const t = titleUuidFor(dir, 'T');
    expect(t.uuid).toBe(titleUuidOf('T'));
    expect(t.conflict?.sort()).toEqual([A, B]);
    applyTitleUuid(t);
    expect([read(dir, 'v1.mokuro').title_uuid, read(dir, 'v2.mokuro').title_uuid]).toEqual([t.uuid, t.uuid]);
  });

  it('derives the uuids from the names where no document holds one', () => {
    const dir = titleDir({ 'broken.mokuro': { title_uuid: 7 } });
    expect(titleUuidFor(dir, 'T').uuid).toBe(titleUuidOf('T'));
    expect(volumeUuidFor(path.join(dir, 'absent.mokuro'), 'T', 'v1')).toBe(volumeUuidOf('T', 'v1'));
    const withVolume = titleDir({ 'v1.mokuro': { volume_uuid: B }, 'v2.mokuro': { volume_uuid: null } });
    expect(volumeUuidFor(path.join(withVolume, 'v1.mokuro'), 'T', 'v1')).toBe(B);
    expect(volumeUuidFor(path.join(withVolume, 'v2.mokuro'), 'T', 'v2')).toBe(volumeUuidOf('T', 'v2'));
  });
});
