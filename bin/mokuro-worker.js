#!/usr/bin/env -S node --initial-old-space-size=256
// The `mokuro-worker` command (package.json "bin"): registers tsx, which runs the TypeScript
// sources as they are (no build step), then starts the CLI. The V8 flag is the one `npm start`
// uses (see BENCHMARKS.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
