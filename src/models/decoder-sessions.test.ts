import { describe, expect, it } from 'vitest';
import { decoderSessions } from './decoder-sessions.ts';
import type { Session } from './load-models.ts';

const session = (name: string) => ({ name }) as unknown as Session;

describe('decoderSessions', () => {
  const plain = session('pinned plain');
  const withPast = session('with-past beside decoder_model.onnx');
  const kv = { first: session('kv first'), withPast: session('kv with past') };

  it('takes the KV pair when the models folder has one (the Docker image)', () => {
    expect(decoderSessions({ decoder: plain, decoderWithPast: withPast, decoderKv: kv })).toEqual({ decoder: kv.first, decoderWithPast: kv.withPast });
  });

  it('falls back to the pinned decoder and a with-past file beside it', () => {
    expect(decoderSessions({ decoder: plain, decoderWithPast: withPast })).toEqual({ decoder: plain, decoderWithPast: withPast });
    expect(decoderSessions({ decoder: plain })).toEqual({ decoder: plain, decoderWithPast: undefined });
  });

  it('takes the plain path alone when asked to (comparisons)', () => {
    expect(decoderSessions({ decoder: plain, decoderWithPast: withPast, decoderKv: kv }, { kvCache: false })).toEqual({ decoder: plain });
  });
});
