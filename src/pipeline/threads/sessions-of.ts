import type { LoadedModels } from '../../models/load-models.ts';
import type { RunnableSession } from './remote-session.ts';

const isSession = (v: unknown): v is RunnableSession =>
  typeof v === 'object' && v !== null && typeof (v as RunnableSession).run === 'function' && Array.isArray((v as RunnableSession).inputNames);

/**
 * Every session of the loaded models by its key (detector, encoder, decoder, and any optional one),
 * found by shape so that a session added to LoadedModels is served to the page threads unchanged.
 */
export function sessionsOf(models: LoadedModels): Record<string, RunnableSession> {
  return Object.fromEntries(Object.entries(models).filter(([, v]) => isSession(v))) as Record<string, RunnableSession>;
}
