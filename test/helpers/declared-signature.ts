import ort from 'onnxruntime-node';
import type { DeclaredTensor, Signature } from '../../src/models/manifest.ts';

type Metadata = readonly ort.InferenceSession.ValueMetadata[];

function tensors(meta: Metadata, kind: string): DeclaredTensor[] {
  return meta.map((m) => {
    if (!m.isTensor) throw new Error(`${kind} "${m.name}" is not a tensor`);
    return { name: m.name, type: m.type as DeclaredTensor['type'], shape: [...m.shape] };
  });
}

/**
 * What an open session's file declares: every input and output in order, with its dtype and its dims
 * (sizes as numbers, symbolic dims by the name the file gives them). The same form as the manifest's
 * `declared` record, so the two compare with a plain deep equality.
 */
export function signatureOf(session: { inputMetadata: Metadata; outputMetadata: Metadata }): Signature {
  return { inputs: tensors(session.inputMetadata, 'input'), outputs: tensors(session.outputMetadata, 'output') };
}

/** The declared signature of an ONNX file (opened on CPU, read, released). */
export async function declaredSignature(file: string): Promise<Signature> {
  const session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    return signatureOf(session);
  } finally {
    await session.release();
  }
}
