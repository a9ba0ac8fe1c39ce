import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file under a temporary name and renames it into place, so an interrupted run never
 * leaves half a document (a half-written `.mokuro` would count as "already processed").
 */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
