import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { titleUuidOf, volumeUuidOf } from '../pipeline/uuid5.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * The uuids a volume's document gets, by Mokuro's rules (kha-white/mokuro `mokuro/volume.py`
 * `Title.set_uuid`, `Volume.__init__`):
 * - `title_uuid`: the one `title_uuid` the title folder's `*.mokuro` files share; when they hold
 *   several, a new one, written into every file of the folder (so the readers group them again);
 * - `volume_uuid`: the one in the volume's own `.mokuro`, when it exists.
 * Where Mokuro draws a uuid4, we derive the uuid from the names (uuid5.ts), as the API does, so
 * documents made by the API and by this command for the same title group together.
 */
const UUID = z.uuid();

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const mokuroFilesIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.mokuro')).map((n) => path.join(dir, n));

export interface TitleUuid {
  uuid: string;
  /** `.mokuro` files of the folder whose `title_uuid` differs and is rewritten by `apply()` */
  stale: string[];
  /** why a new uuid was chosen, for a warning */
  conflict?: string[];
}

/** Decides the title's uuid from the folder's documents; nothing is written until `applyTitleUuid`. */
export function titleUuidFor(titleDir: string, title: string): TitleUuid {
  const docs = mokuroFilesIn(titleDir).map((file) => ({ file, data: readJson(file) })).filter((d) => d.data);
  const found = new Set<string>();
  for (const { data } of docs) if (typeof data!.title_uuid === 'string') found.add(data!.title_uuid);
  const uuid = found.size === 1 ? [...found][0] : titleUuidOf(title);
  return {
    uuid,
    stale: docs.filter((d) => d.data!.title_uuid !== uuid).map((d) => d.file),
    ...(found.size > 1 ? { conflict: [...found] } : {}),
  };
}

/** Writes the title's uuid into the folder's documents that hold another one (Mokuro does so too). */
export function applyTitleUuid(t: TitleUuid): void {
  for (const file of t.stale) {
    const data = readJson(file);
    if (!data) continue;
    data.title_uuid = t.uuid;
    writeFileAtomic(file, JSON.stringify(data));
  }
}

/** The volume's uuid: the one its existing document holds, else derived from title and volume. */
export function volumeUuidFor(pathMokuro: string, title: string, volume: string): string {
  const existing = readJson(pathMokuro)?.volume_uuid;
  return UUID.safeParse(existing).success ? (existing as string) : volumeUuidOf(title, volume);
}
