import type { InferenceSession } from 'onnxruntime-node';
import type { ProviderName } from '../config.ts';

export interface ProviderOptions {
  providers: readonly ProviderName[];
  deviceId: number;
  intraOpThreads: number;
}

export interface ProviderFailure {
  provider: ProviderName;
  reason: string;
}

export type CreateSession<S> = (file: string, options: InferenceSession.SessionOptions) => Promise<S>;

function providerConfig(name: ProviderName, deviceId: number): InferenceSession.ExecutionProviderConfig {
  return name === 'cpu' ? 'cpu' : { name, deviceId };
}

/**
 * Open a session on the first provider that works. onnxruntime-node throws when a provider
 * cannot be loaded (no CUDA libraries, no GPU) instead of falling back, so each provider is tried
 * on its own and every failure is kept, to be logged and reported.
 */
export async function openWithFallback<S>(
  file: string,
  opts: ProviderOptions,
  create: CreateSession<S>,
  /** providers that already failed to load for another model, with the reason: not tried again */
  unavailable: Map<ProviderName, string> = new Map(),
): Promise<{ session: S; provider: ProviderName; failures: ProviderFailure[] }> {
  const failures: ProviderFailure[] = [];
  for (const provider of opts.providers) {
    const known = unavailable.get(provider);
    if (known !== undefined) {
      failures.push({ provider, reason: known });
      continue;
    }
    const options: InferenceSession.SessionOptions = {
      executionProviders: [providerConfig(provider, opts.deviceId)],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      ...(opts.intraOpThreads > 0 ? { intraOpNumThreads: opts.intraOpThreads } : {}),
      // one inter-op thread: the graphs are sequential and extra threads only compete for cores
      interOpNumThreads: 1,
      // a GPU provider that cannot load makes onnxruntime print its own error; ours says it once, clearly
      ...(provider === 'cpu' ? {} : { logSeverityLevel: 4 as const }),
    };
    try {
      return { session: await create(file, options), provider, failures };
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      failures.push({ provider, reason });
      if (/shared library|not supported|no cuda|CUDA driver|cannot open/i.test(reason)) unavailable.set(provider, reason);
    }
  }
  const reasons = failures.map((f) => `${f.provider}: ${f.reason}`).join('; ');
  throw new Error(`no execution provider could open ${file} (${reasons})`);
}
