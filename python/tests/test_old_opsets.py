"""A model older than opset 7 (here opset 6, IR 3: initializers listed as graph inputs, Gemm's
C required, `broadcast` attributes) is upgraded by ONNX's version converter on import and
compiles like any other. Reference: onnxruntime (which has no opset-6 Gemm) on the same model
converted by the onnx Python package's converter, a later release than the C++ library
zynqnn links."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper, version_converter

import zynqnn


def opset6_cnn(path):
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.normal(0, scale, shape).astype(np.float32), name)
               for name, shape, scale in (("W", (4, 1, 3, 3), 0.3), ("B", (4,), 0.1), ("G", (144, 10), 0.3),
                                          ("C", (10,), 0.1))]
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], kernel_shape=[3, 3]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"]),
             helper.make_node("Gemm", ["f", "G", "C"], ["y"], broadcast=1)]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 14, 14])]
    inputs += [helper.make_tensor_value_info(w.name, TensorProto.FLOAT, list(w.dims)) for w in weights]
    graph = helper.make_graph(nodes, "opset6", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
                              weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)], ir_version=3)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return model


def test_an_opset6_model_is_upgraded_and_matches_onnxruntime(tmp_path):
    model = opset6_cnn(tmp_path / "old.onnx")
    compiled = zynqnn.compile(tmp_path / "old.onnx", tmp_path / "out")
    assert [p.split()[1] for p in compiled.placement] == ["Conv+Relu", "MaxPool", "Gemm"]
    x = np.random.default_rng(1).normal(0, 1, (4, 1, 14, 14)).astype(np.float32)
    with compiled.open() as net:
        y = net.predict(x)
    upgraded = version_converter.convert_version(model, 7)
    session = ort.InferenceSession(upgraded.SerializeToString(), providers=["CPUExecutionProvider"])
    reference = np.concatenate([session.run(None, {"x": x[k:k + 1]})[0] for k in range(len(x))])
    np.testing.assert_allclose(y, reference, rtol=1e-4, atol=1e-5)


def test_a_model_the_converter_refuses_is_unsupported_with_its_reason(tmp_path):
    model = opset6_cnn(tmp_path / "old.onnx")
    model.graph.node[4].input.pop()  # Gemm without C: invalid at opset 6
    onnx.save(model, tmp_path / "bad.onnx")
    with pytest.raises(zynqnn.Error) as refused:
        zynqnn.compile(tmp_path / "bad.onnx", tmp_path / "out")
    assert "opset 6, and ONNX's version converter could not upgrade it to 7" in str(refused.value)
    assert "Gemm" in str(refused.value)
