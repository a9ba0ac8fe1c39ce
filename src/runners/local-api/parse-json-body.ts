import { WorkerError } from '../../errors.ts';

/**
 * A request body as JSON, refusing the keys that pollute prototypes once some code merges the parsed
 * object into another (`__proto__`, `constructor.prototype`), as Fastify's parser does, but saying
 * which key is wrong: Fastify's own parser reports them as "not valid JSON".
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WorkerError('INVALID_INPUT', 'request body is not valid JSON');
  }
  // Scan the parsed keys, never the text: JSON escapes (`"\u005f_proto__"`) spell the same key
  // with other characters. The walk visits objects and arrays only, so a body that is mostly one
  // long base64 string costs next to nothing.
  const forbidden = forbiddenKey(parsed);
  if (forbidden) throw new WorkerError('INVALID_INPUT', `request body: the key ${forbidden} is not allowed`);
  return parsed;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Breadth-first, not recursive: a body nested 100 000 deep must not overflow the stack. */
function forbiddenKey(root: unknown): string | undefined {
  let level: unknown[] = [root];
  while (level.length > 0) {
    const next: unknown[] = [];
    for (const node of level) {
      if (!isObject(node)) continue;
      if (Object.hasOwn(node, '__proto__')) return '__proto__';
      if (Object.hasOwn(node, 'constructor') && isObject(node.constructor) && Object.hasOwn(node.constructor, 'prototype')) return 'constructor.prototype';
      for (const v of Object.values(node)) if (isObject(v)) next.push(v);
    }
    level = next;
  }
  return undefined;
}
