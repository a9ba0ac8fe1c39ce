"""
Multiply-accumulates of an ONNX model's Conv, ConvTranspose, MatMul and Gemm nodes at given input
shapes (onnx shape inference), reported as FLOPs = 2 × MACs. For the GPU plan in BENCHMARKS.md;
other ops (norms, activations, softmax) are memory-bound and left out.

usage: count_flops.py MODEL.onnx NAME=d0,d1,... [NAME=...]
"""
import sys

import numpy as np
import onnx
from onnx import shape_inference


def main():
    model = onnx.load(sys.argv[1])
    fixed = {a.split("=")[0]: [int(x) for x in a.split("=")[1].split(",")] for a in sys.argv[2:]}
    for i in model.graph.input:
        if i.name in fixed:
            dims = i.type.tensor_type.shape.dim
            for d, v in zip(dims, fixed[i.name]):
                d.Clear()
                d.dim_value = v
    model = shape_inference.infer_shapes(model, data_prop=True)
    shapes = {}
    for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        dims = [d.dim_value if d.HasField("dim_value") else None for d in v.type.tensor_type.shape.dim]
        shapes[v.name] = dims
    for t in model.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs, unknown = 0, 0
    for n in model.graph.node:
        try:
            if n.op_type in ("Conv", "ConvTranspose"):
                w = shapes[n.input[1]]
                out = shapes[n.output[0]] if n.op_type == "Conv" else shapes[n.input[0]]
                group = next((a.i for a in n.attribute if a.name == "group"), 1)
                k = int(np.prod(w[2:])) * (w[1] if n.op_type == "Conv" else w[1])
                macs += int(np.prod(out)) * k * (1 if n.op_type == "Conv" else w[0] // max(1, out[1])) // (1 if n.op_type == "Conv" else 1)
            elif n.op_type in ("MatMul", "Gemm"):
                a, b = shapes[n.input[0]], shapes[n.input[1]]
                out = shapes[n.output[0]]
                kdim = a[-1] if not (n.op_type == "Gemm" and any(x.name == "transA" and x.i for x in n.attribute)) else a[0]
                macs += int(np.prod(out)) * kdim
        except (KeyError, TypeError):
            unknown += 1
    print(f"{sys.argv[1]}: {2 * macs / 1e9:.2f} GFLOPs (2×MACs of Conv/MatMul/Gemm), {unknown} nodes without shapes")


if __name__ == "__main__":
    main()
