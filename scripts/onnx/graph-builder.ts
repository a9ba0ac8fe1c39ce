import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type DType = 'float32' | 'int64' | 'bool';
/** A fixed size, or a symbolic name such as `batch_size` for a dynamic axis. */
export type Dim = number | string;
export type TensorData = Float32Array | BigInt64Array | Uint8Array;
/** Plain numbers are INT attributes; wrap floats with `float()` so `1` and `1.0` cannot be confused. */
export type AttrValue = number | number[] | string | { float: number };

// IR 8 / opset 17 is the newest pair the onnx 1.10 proto can describe; opset 17 brings LayerNormalization.
const IR_VERSION = 8;
const OPSET = 17;

const ELEM_TYPE: Record<DType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export const float = (value: number): { float: number } => ({ float: value });

function valueInfo(name: string, dtype: DType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[dtype],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.float };
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'bool';
}

export interface GraphBuilder {
  /** Declares a graph input and returns its name. */
  input(name: string, dtype: DType, dims: readonly Dim[]): string;
  /** Exposes `value` as graph output `name` (through an Identity, which onnxruntime removes). */
  output(name: string, dtype: DType, dims: readonly Dim[], value: string): void;
  /** Adds an initializer under a unique name derived from `hint`. */
  init(hint: string, dims: readonly number[], data: TensorData): string;
  constF(values: readonly number[], dims?: readonly number[]): string;
  constI(values: readonly number[], dims?: readonly number[]): string;
  op(opType: string, inputs: readonly string[], attrs?: Record<string, AttrValue>): string;
  opN(opType: string, inputs: readonly string[], outputs: number, attrs?: Record<string, AttrValue>): string[];
  /** Sum of the element counts of all initializers. */
  paramCount(): number;
  encode(): Uint8Array;
}

export function createGraph(graphName: string): GraphBuilder {
  const inputs: onnxProto.onnx.IValueInfoProto[] = [];
  const outputs: onnxProto.onnx.IValueInfoProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const used = new Map<string, number>();
  let params = 0;

  const unique = (hint: string): string => {
    const n = used.get(hint) ?? 0;
    used.set(hint, n + 1);
    return n === 0 ? hint : `${hint}_${n}`;
  };

  const init = (hint: string, dims: readonly number[], data: TensorData): string => {
    const name = unique(hint);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    initializers.push({ name, dims: [...dims], dataType: ELEM_TYPE[dtypeOf(data)], rawData });
    params += data.length;
    return name;
  };

  const opN = (opType: string, ins: readonly string[], count: number, attrs: Record<string, AttrValue> = {}) => {
    const outs = Array.from({ length: count }, () => unique(opType.toLowerCase()));
    const attribute_ = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    nodes.push({ opType, input: [...ins], output: outs, name: unique(`n_${opType}`), attribute: attribute_ });
    return outs;
  };

  return {
    input(name, dtype, dims) {
      inputs.push(valueInfo(unique(name), dtype, dims));
      return name;
    },
    output(name, dtype, dims, value) {
      nodes.push({ opType: 'Identity', input: [value], output: [unique(name)], name: unique('n_out') });
      outputs.push(valueInfo(name, dtype, dims));
    },
    init,
    constF: (values, dims = [values.length]) => init('c', dims, Float32Array.from(values)),
    constI: (values, dims = [values.length]) => init('c', dims, BigInt64Array.from(values, BigInt)),
    op: (opType, ins, attrs) => opN(opType, ins, 1, attrs)[0],
    opN,
    paramCount: () => params,
    encode() {
      const model = onnx.ModelProto.create({
        irVersion: IR_VERSION,
        producerName: 'mokuro-worker stand-in generator',
        opsetImport: [{ domain: '', version: OPSET }],
        graph: { name: graphName, node: nodes, input: inputs, output: outputs, initializer: initializers },
      });
      return onnx.ModelProto.encode(model).finish();
    },
  };
}
