import type { z } from 'zod';

/** `['images', 3, 'data']` → `images[3].data` */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** The first problem of a zod error as one line that names the field. */
export function describeZodError(error: z.ZodError, prefix = 'input'): { path: string; message: string } {
  const issue = error.issues[0];
  const sub = formatPath(issue.path);
  const path = sub ? (sub.startsWith('[') ? `${prefix}${sub}` : sub) : prefix;
  return { path, message: issue.message };
}
