import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * Runs this program again as a child, its test input on the child's standard input instead of its
 * command line, and answers the child's exit code. The caller must not have loaded onnxruntime-node:
 * it segfaults when it creates a session in a process whose command line is large (about 29 KB), and
 * RunPod's convention `--test-input '<json>'` with one real page inline is larger than that.
 *
 * The child is started as this process was (`process.execPath`, `process.execArgv`, the same script),
 * with `args` (config's `testInputRelaunch`), the same environment and working directory, and shares
 * stdout and stderr. SIGTERM and SIGINT are passed on to it.
 */
export function relaunchOneShot(testInput: string, args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['pipe', 'inherit', 'inherit'] });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGTERM', forward).on('SIGINT', forward);
  // a child that exits early closes the pipe; its exit code says why
  child.stdin.on('error', () => undefined);
  child.stdin.end(testInput);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
