/**
 * What an ONNX file itself declares as its graph inputs and outputs, read from the protobuf. This can differ
 * from onnxruntime's session metadata: onnxruntime runs shape inference at load and reports a dim it can
 * infer as a number even where the file names it (optimum's export of manga-ocr's ViT encoder declares
 * `last_hidden_state` as [batch_size, Addlast_hidden_state_dim_1, Addlast_hidden_state_dim_2], and
 * onnxruntime reports [batch_size, 197, 768]). The manifest records what the pinned files declare, so a
 * replica is compared with this.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { DeclaredTensor, Signature } from '../../src/models/manifest.ts';

const { onnx } = onnxProto;
const TYPES: Partial<Record<number, DeclaredTensor['type']>> = {
  [onnx.TensorProto.DataType.FLOAT]: 'float32',
  [onnx.TensorProto.DataType.INT64]: 'int64',
};

function tensor(v: onnxProto.onnx.IValueInfoProto): DeclaredTensor {
  const t = v.type?.tensorType;
  const type = TYPES[t?.elemType ?? -1];
  if (!t || !type) throw new Error(`"${v.name}" is not a float32/int64 tensor`);
  const shape = (t.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
  return { name: v.name!, type, shape };
}

export function fileSignature(file: string): Signature & { opset: number } {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const graph = model.graph!;
  const initializers = new Set((graph.initializer ?? []).map((i) => i.name));
  const opset = Number(model.opsetImport?.find((o) => !o.domain)?.version ?? 0);
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(tensor),
    outputs: (graph.output ?? []).map(tensor),
    opset,
  };
}
