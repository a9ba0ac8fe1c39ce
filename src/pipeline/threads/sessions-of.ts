import type { LoadedModels } from '../../models/load-models.ts';
import type { RunnableSession } from './remote-session.ts';

const isSession = (v: unknown): v is RunnableSession =>
  typeof v === 'object' && v !== null && typeof (v as RunnableSession).run === 'function' && Array.isArray((v as RunnableSession).inputNames);

/**
 * Every session of the loaded models by its key (detector, encoder, decoder, and any optional one),
 * found by shape so that a session added to LoadedModels is served to the page threads unchanged.
 */
export function sessionsOf(models: LoadedModels): Record<string, RunnableSession> {
  const top = Object.entries(models).filter(([, v]) => isSession(v));
  // the KV pair is one field holding two sessions: served as decoderKv.first / decoderKv.withPast
  const kv = models.decoderKv ? Object.entries(models.decoderKv).map(([k, v]) => [`decoderKv.${k}`, v]) : [];
  return Object.fromEntries([...top, ...kv]) as Record<string, RunnableSession>;
}

/** The models object a page thread builds from the served sessions: sessionsOf's keys put back in place. */
export function modelsOfSessions<S>(sessions: Record<string, S>): Record<string, S | { first: S; withPast: S }> {
  const { 'decoderKv.first': first, 'decoderKv.withPast': withPast, ...rest } = sessions;
  return first && withPast ? { ...rest, decoderKv: { first, withPast } } : rest;
}
