import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The command line as config.ts reads it: runpod-python's flags, parsed strictly, and the numbers
 * both flags and environment variables hold. Pure functions of the argv they are given.
 */

/** A config value that cannot be used: the message is one line naming the variable or flag. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Decimal digits only: `0x1F40`, `1e3`, `abc` and `-1` are refused rather than coerced. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^[0-9]+$/, { error: 'not a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

/** Flags as runpod-python spells them (`--rp_*`, `--test_input`), plus ours; any other flag is refused. */
export const FLAGS = {
  'serve-api': { type: 'boolean' },
  rp_serve_api: { type: 'boolean' },
  'test-input': { type: 'string' },
  test_input: { type: 'string' },
  rp_log_level: { type: 'string' },
  rp_api_port: { type: 'string' },
  rp_api_host: { type: 'string' },
  rp_api_concurrency: { type: 'string' },
  /** runpod-python's debugger switch: accepted and ignored */
  rp_debugger: { type: 'boolean' },
  'api-key': { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

type FlagValues = Partial<Record<keyof typeof FLAGS, string | boolean>>;

/**
 * Strict flags: a flag that takes a value must have one, and a value that looks like a flag is taken
 * only when written `--flag=value` (`--api-key --rp_api_port 9000` made `--rp_api_port` the key).
 * `-` alone is a value (standard input).
 */
export function parseFlags(argv: readonly string[]): FlagValues {
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true, options: FLAGS });
  const values: FlagValues = {};
  for (const token of tokens) {
    if (token.kind === 'positional') throw new ConfigError(`unexpected argument "${clip(token.value)}" (flags: ${flagList()})`);
    if (token.kind !== 'option') continue;
    const name = token.name as keyof typeof FLAGS;
    const spec = FLAGS[name];
    if (!spec) throw new ConfigError(`unknown flag ${token.rawName} (flags: ${flagList()})`);
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new ConfigError(`${token.rawName} takes no value`);
      values[name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined) throw new ConfigError(`${token.rawName} needs a value`);
    if (!token.inlineValue && value.startsWith('-') && value !== '-') {
      throw new ConfigError(`${token.rawName} needs a value, not the flag "${clip(value)}" (write ${token.rawName}=${clip(value)} if that is the value)`);
    }
    values[name] = value;
  }
  return values;
}

export const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
const flagList = () => Object.keys(FLAGS).map((f) => `--${f}`).join(' ');

/**
 * Test input bytes kept on the command line. onnxruntime-node 1.30 segfaults when it creates a session
 * in a process whose argv totals more than ~28.9 KB (measured here: 28 943 bytes run, 28 952 crash);
 * the environment counts about 1/300 as much (360 KB of it lowered the limit to ~27.7 KB). A real page
 * inline is 40 KB or more; a small input such as a health check stays on the command line.
 */
export const TEST_INPUT_ARGV_MAX = 8 * 1024;

/** argv with the --test-input value (either spelling, either form) replaced by `--test-input=-`. */
export function withTestInputFromStdin(argv: readonly string[]): string[] {
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true, options: FLAGS });
  const dropped = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || (t.name !== 'test-input' && t.name !== 'test_input')) continue;
    dropped.add(t.index);
    if (!t.inlineValue) dropped.add(t.index + 1);
  }
  return [...argv.filter((_, i) => !dropped.has(i)), '--test-input=-'];
}

export function flagNumber(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const parsed = wholeNumber(min, max).safeParse(raw);
  if (!parsed.success) throw new ConfigError(`--${flag} "${clip(raw)}": ${parsed.error.issues[0].message} (${min}–${max})`);
  return parsed.data;
}
