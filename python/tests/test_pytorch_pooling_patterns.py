"""Global average pooling as PyTorch writes it — `ReduceMean` over H, W (axes as an attribute
before opset 18, as an input from opset 18; keepdims 0 or 1) and `AdaptiveAvgPool1d(1)` as
`Unsqueeze → ReduceMean → Squeeze` — compiled and run on the virtual board by `zynqnn
check-onnx`, against the operators' definitions: onnx's ReferenceEvaluator, cross-checked with
onnxruntime with its graph optimizations off."""
import json
import subprocess

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from conftest import CLI

RNG = np.random.default_rng(2026)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def conv_head(x_shape, conv_dims):
    """Conv (2-D or 1-D) → Relu, 4 output channels, and its initializers."""
    channels = x_shape[1]
    kernel = [3] * conv_dims
    w = RNG.normal(0, 0.4, [4, channels] + kernel).astype(np.float32)
    b = RNG.normal(0, 0.1, [4]).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1] * (2 * conv_dims)),
             helper.make_node("Relu", ["c"], ["r"], name="relu")]
    return nodes, [const("w", w), const("b", b)]


def dense_tail(features_value):
    fc_w = RNG.normal(0, 0.5, [4, 3]).astype(np.float32)
    fc_b = RNG.normal(0, 0.1, [3]).astype(np.float32)
    return [helper.make_node("Gemm", [features_value, "fc_w", "fc_b"], ["y"], name="fc")], [const("fc_w", fc_w),
                                                                                         const("fc_b", fc_b)]


def mean_2d(opset, keepdims):
    nodes, inits = conv_head([1, 2, 6, 5], 2)
    if opset >= 18:
        nodes.append(helper.make_node("ReduceMean", ["r", "axes"], ["m"], name="mean", keepdims=keepdims))
        inits.append(const("axes", np.array([2, 3], dtype=np.int64)))
    else:
        nodes.append(helper.make_node("ReduceMean", ["r"], ["m"], name="mean", axes=[-2, -1], keepdims=keepdims))
    features = "m"
    if keepdims:
        nodes.append(helper.make_node("Flatten", ["m"], ["f"], name="flatten"))
        features = "f"
    tail, tail_inits = dense_tail(features)
    return nodes + tail, inits + tail_inits, [1, 2, 6, 5]


def adaptive_avg_pool_1d(opset):
    nodes, inits = conv_head([1, 3, 10], 1)
    nodes += [helper.make_node("Unsqueeze", ["r", "at2"], ["u"], name="unsqueeze"),
              helper.make_node("ReduceMean", ["u"], ["m"], name="mean", axes=[2, 3], keepdims=1),
              helper.make_node("Squeeze", ["m", "squeeze_axes"], ["s"], name="squeeze")]
    inits += [const("at2", np.array([2], dtype=np.int64)), const("squeeze_axes", np.array([2, 3], dtype=np.int64))]
    tail, tail_inits = dense_tail("s")
    return nodes + tail, inits + tail_inits, [1, 3, 10]


CASES = {
    "mean_hw_opset13_keepdims0": lambda: mean_2d(13, 0),
    "mean_hw_opset18_keepdims0": lambda: mean_2d(18, 0),
    "mean_hw_opset18_keepdims1": lambda: mean_2d(18, 1),
    "adaptive_avg_pool1d_opset13": lambda: adaptive_avg_pool_1d(13),
}


def write_case(folder, name, opset):
    nodes, inits, x_shape = CASES[name]()
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    case = folder / name
    (case / "test_data_set_0").mkdir(parents=True)
    onnx.save(model, case / "model.onnx")
    x = RNG.normal(0, 1, x_shape).astype(np.float32)
    expected = ReferenceEvaluator(model).run(None, {"x": x})[0]
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    ort_y = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
    # Two float32 implementations of the same definition, summing in different orders: they
    # agree to a few units in the last place of values of order 1.
    np.testing.assert_allclose(ort_y, expected, rtol=1e-5, atol=1e-6)
    (case / "test_data_set_0" / "input_0.pb").write_bytes(numpy_helper.from_array(x, "x").SerializeToString())
    (case / "test_data_set_0" / "output_0.pb").write_bytes(numpy_helper.from_array(expected, "y").SerializeToString())
    return case


def check_onnx(cases, *extra):
    result = subprocess.run([str(CLI), "check-onnx", *map(str, cases), "--json", *extra], capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def test_pytorch_global_averages_run_on_the_pl_and_match_the_definition(tmp_path):
    opsets = {"mean_hw_opset13_keepdims0": 13, "mean_hw_opset18_keepdims0": 18, "mean_hw_opset18_keepdims1": 18,
              "adaptive_avg_pool1d_opset13": 13}
    cases = [write_case(tmp_path, name, opset) for name, opset in opsets.items()]
    report = check_onnx(cases, "--jobs", "2")
    for r in report["results"]:
        assert r["status"] == "pass", r
        # The Gemm after the pool runs on the PL, so the pool did too: a ReduceMean left in
        # the graph would have stopped the PL chain.
        assert r["ran_on"] == "pl", r
        # float32 on the PL sums in float in its own order: measured 3.7e-8 at most on outputs
        # of order 1, so 1e-5 leaves rounding room and still catches a wrong mean (1/L off).
        assert r["max_abs_err"] <= 1e-5, r
    assert report["summary"] == {"pass": 4, "fail": 0, "unsupported": 0, "ran_on_ps": 0, "total": 4}
    # Calibrated int8: the same pools as int8 global_pool layers; top-1 class kept.
    report = check_onnx(cases[1:4:2], "--precision", "int8")
    assert [(r["status"], r["ran_on"]) for r in report["results"]] == [("pass", "pl")] * 2, report


def test_the_pool_is_a_global_pool_layer_in_the_plan(tmp_path):
    case = write_case(tmp_path, "adaptive_avg_pool1d_opset13", 13)
    out = tmp_path / "out"
    result = subprocess.run([str(CLI), "compile", str(case / "model.onnx"), "-o", str(out), "--no-build", "--json"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    plan = json.loads((out / "plan.json").read_text())
    kinds = [layer["kind"] for layer in plan["pl_layers"]]
    assert "global_pool" in kinds, kinds
    assert plan["ps_before_pl"] == [] and plan["ps_after_pl"] == [], plan
