"""Builds a QDQ-quantized mnist-8 in the ONNX backend-test layout.

onnxruntime's quant_pre_process (shape inference, constant folding, Conv+Add fusion) and then
quantize_static (QDQ format, int8 activations per tensor, int8 weights per output channel,
MinMax calibration) on mnist-8. The calibration inputs are the fixture's input and images
derived from it (shifted, scaled, with noise from a fixed seed).

The outputs of each data set are the QDQ model evaluated by its operator definitions, the
reference the compiled accelerator is held to: DequantizeLinear to float, the float operator,
QuantizeLinear. Two independent evaluators of those definitions must agree bit for bit before
anything is written: onnxruntime with every graph optimization off (each node run as the
operator it is) and onnx's own reference evaluator (the definitions in NumPy). onnxruntime's
default optimizations are not a reference: they fuse each DequantizeLinear -> Conv ->
QuantizeLinear into an int8 kernel whose result depends on the CPU (on AVX2 without VNNI its
u8s8 path differs from the definitions by up to 40 output quantization steps on this model;
check_reference_cpu.py shows it on an emulated CPU of that kind).

usage: make_qdq_mnist.py MNIST8_MODEL.onnx OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper, version_converter
import onnxruntime as ort
from onnx.reference import ReferenceEvaluator
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process


def derived_inputs(x):
    rng = np.random.default_rng(1234)
    images = [x]
    images.append(np.roll(x, 2, axis=3))
    images.append(np.roll(x, -3, axis=2))
    images.append(x * 0.6)
    images.append(np.clip(x + rng.normal(0.0, 20.0, x.shape), 0.0, 255.0))
    images.append(np.roll(np.roll(x, 1, axis=2), -2, axis=3) * 1.2)
    return [i.astype(np.float32) for i in images]


def definition_session(path):
    """onnxruntime running each node as the operator it is: no fusion, no int8 kernels."""
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def definition_evaluator(path):
    """onnx's reference evaluator. It implements DequantizeLinear from opset 19 on; every
    operator of this model (Q/DQ, Conv, Relu, MaxPool, Reshape, MatMul, Add) means the same at
    opset 21 as at 13 for these attributes and types, so the model is evaluated there."""
    model = onnx.load(path)
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            opset.version = max(opset.version, 21)
    return ReferenceEvaluator(model)


def reference_outputs(path, images):
    """The operator definitions' outputs, agreed on bit for bit by both evaluators."""
    session, evaluator = definition_session(path), definition_evaluator(path)
    input_name = session.get_inputs()[0].name
    output_name = session.get_outputs()[0].name
    outputs = []
    for k, image in enumerate(images):
        (y,) = session.run([output_name], {input_name: image})
        (z,) = evaluator.run([output_name], {input_name: image})
        if not np.array_equal(y, z):
            raise SystemExit(f"make_qdq_mnist: data set {k}: onnxruntime (optimizations off) and onnx's reference "
                             f"evaluator disagree by up to {np.abs(y - z).max()}: no exact reference")
        outputs.append(y)
    return input_name, output_name, outputs


class Reader(CalibrationDataReader):
    def __init__(self, name, images):
        self.items = iter([{name: i} for i in images])

    def get_next(self):
        return next(self.items, None)


def main():
    model_path, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    fixture = os.path.join(os.path.dirname(model_path), "test_data_set_0", "input_0.pb")
    t = onnx.TensorProto()
    with open(fixture, "rb") as f:
        t.ParseFromString(f.read())
    x = numpy_helper.to_array(t).astype(np.float32)
    images = derived_inputs(x)

    # Per-channel DequantizeLinear needs opset 13; mnist-8 is opset 8.
    model = version_converter.convert_version(onnx.load(model_path), 13)
    # The last Add's bias is [1, 10]: fused into a Gemm and quantized per channel, onnxruntime
    # would write its DequantizeLinear with 10 scales on axis 0 of size 1, which ONNX (and the
    # importer) refuse. As a 1-D [10] bias the Add is the same.
    for init in model.graph.initializer:
        if list(init.dims) == [1, 10]:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).reshape(10), init.name))
    # mnist-8 also lists its initializers as graph inputs (IR 3); they are constants.
    names = {init.name for init in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in names]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    opset13 = os.path.join(out_dir, "opset13.onnx")
    onnx.save(model, opset13)
    pre = os.path.join(out_dir, "preprocessed.onnx")
    quant_pre_process(opset13, pre, skip_symbolic_shape=True)
    os.remove(opset13)
    input_name = onnx.load(pre).graph.input[0].name
    qdq = os.path.join(out_dir, "model.onnx")
    quantize_static(pre, qdq, Reader(input_name, images[:4]), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                    extra_options={"QDQDisableWeightAdjustForInt32Bias": True})
    os.remove(pre)

    input_name, output_name, outputs = reference_outputs(qdq, images)
    for k, (image, y) in enumerate(zip(images, outputs)):
        folder = os.path.join(out_dir, f"test_data_set_{k}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(image, input_name).SerializeToString())
        with open(os.path.join(folder, "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(y, output_name).SerializeToString())


if __name__ == "__main__":
    main()
