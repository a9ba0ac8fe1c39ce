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
): Promise<{ session: S; provider: ProviderName; failures: ProviderFailure[] }> {
  const failures: ProviderFailure[] = [];
  for (const provider of opts.providers) {
    const options: InferenceSession.SessionOptions = {
      executionProviders: [providerConfig(provider, opts.deviceId)],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      ...(opts.intraOpThreads > 0 ? { intraOpNumThreads: opts.intraOpThreads } : {}),
      // one inter-op thread: the graphs are sequential and extra threads only compete for cores
      interOpNumThreads: 1,
    };
    try {
      return { session: await create(file, options), provider, failures };
    } catch (err) {
      failures.push({ provider, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  const reasons = failures.map((f) => `${f.provider}: ${f.reason}`).join('; ');
  throw new Error(`no execution provider could open ${file} (${reasons})`);
}
