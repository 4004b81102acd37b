"""Networks exported from PyTorch as users export them (tests/models/torch, made by its
export_models.py with pinned versions): the default dynamo export (opset 18, weights in an
external .data file), the TorchScript export, and onnxruntime's quantize_static QDQ models.
The default exports go the data scientist's way (zynqnn.compile, Model.predict on a batch), the
others through `zynqnn check-onnx`, each on the virtual board against onnxruntime with its graph
optimizations off; the expected status of every model is listed here, so that a
model that starts or stops passing is a deliberate change of this table."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from onnx import numpy_helper

import zynqnn
from conftest import CLI, REPO, onnxruntime_outputs

MODELS = REPO / "tests" / "models" / "torch"

# Every float network, for each exporter: "pass" or the start of the refusal.
FLOAT32 = {
    "lenet": "pass", "mlp": "pass", "mlp_no_bias": "pass", "view_mlp": "pass", "sensor1d": "pass", "vgg_bn": "pass",
    "depthwise_separable": "pass", "residual": "pass", "softmax_cnn": "pass", "head_sigmoid": "pass",
    "head_tanh": "pass", "head_hardsigmoid": "pass", "head_hardswish": "pass",
}
# zynqnn's own int8 quantization, calibrated on the test input: top-1 class kept.
INT8_CALIBRATED = dict(FLOAT32)
# onnxruntime's quantize_static, run int8 as given.
QDQ = {name: "pass" for name in (
    "lenet_per_tensor", "lenet_per_channel", "vgg_bn_per_tensor", "vgg_bn_per_channel", "sensor1d_per_tensor",
    "sensor1d_per_channel", "depthwise_separable_per_tensor", "depthwise_separable_per_channel",
    "residual_per_tensor", "residual_per_channel")}


def backend_case(root, model, name):
    """An ONNX backend test folder: the model (and its external data, under the file name the
    model refers to), one seeded input, onnxruntime's output with optimizations off."""
    case = root / name
    (case / "test_data_set_0").mkdir(parents=True)
    shutil.copy(model, case / "model.onnx")
    data = model.with_name(model.name + ".data")
    if data.exists():
        shutil.copy(data, case / data.name)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(str(case / "model.onnx"), options, providers=["CPUExecutionProvider"])
    x_info, y_info = session.get_inputs()[0], session.get_outputs()[0]
    x = np.random.default_rng(len(name)).normal(0, 1, x_info.shape).astype(np.float32)
    y = session.run(None, {x_info.name: x})[0]
    (case / "test_data_set_0" / "input_0.pb").write_bytes(numpy_helper.from_array(x, x_info.name).SerializeToString())
    (case / "test_data_set_0" / "output_0.pb").write_bytes(numpy_helper.from_array(y, y_info.name).SerializeToString())
    return case


def check(cases, *extra):
    result = subprocess.run([str(CLI), "check-onnx", *map(str, cases), "--json", "--jobs", "2", *extra],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return {Path(r["dir"]).name: r for r in json.loads(result.stdout)["results"]}


def assert_statuses(results, expected):
    for name, want in expected.items():
        r = results[name]
        if want == "pass":
            assert (r["status"], r["ran_on"]) == ("pass", "pl"), r
        else:
            assert r["status"] == "unsupported" and want in r["reason"], r


def test_float32_torchscript_exports(tmp_path):
    cases = [backend_case(tmp_path, MODELS / "torchscript" / f"{name}.onnx", name) for name in FLOAT32]
    results = check(cases)
    assert_statuses(results, FLOAT32)
    for r in results.values():
        if r["status"] == "pass":  # float32 on the PL: float rounding only
            assert r["max_rel_err"] <= 1e-4 or r["max_abs_err"] <= 1e-5, r


def compile_and_predict(model, out, x, **options):
    """The data scientist's path: zynqnn.compile, then Model.predict on a batch; the refusal's
    message when the compiler refuses."""
    try:
        compiled = zynqnn.compile(model, out, **options)
    except zynqnn.Error as error:
        return str(error), None
    with compiled.open() as net:
        return "pass", net.predict(x)


@pytest.mark.parametrize("precision", ["float32", "int8"])
def test_default_exports_through_compile_and_predict(tmp_path, precision):
    """The default (dynamo) exports, weights in their .data file, each on a batch of four:
    float32 within float rounding of onnxruntime; int8 (calibrated on the batch) the same
    top-1 class."""
    expected = FLOAT32 if precision == "float32" else INT8_CALIBRATED
    for name, want in expected.items():
        model = MODELS / "dynamo" / f"{name}.onnx"
        assert model.with_name(model.name + ".data").exists()
        shape = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).get_inputs()[0].shape
        x = np.random.default_rng(len(name)).normal(0, 1, (4,) + tuple(shape[1:])).astype(np.float32)
        options = {"precision": precision, "calibration": x} if precision == "int8" else {}
        status, y = compile_and_predict(model, tmp_path / f"{name}_{precision}", x, **options)
        if want != "pass":
            assert status != "pass" and want in status, (name, status)
            continue
        assert status == "pass", (name, status)
        reference = onnxruntime_outputs(model, x)
        if precision == "float32":
            np.testing.assert_allclose(y, reference, rtol=1e-4, atol=1e-5, err_msg=name)
        elif reference.shape[-1] > 1:
            assert (y.argmax(axis=-1) == reference.argmax(axis=-1)).all(), name


def test_onnxruntime_quantized_exports(tmp_path):
    cases = [backend_case(tmp_path, MODELS / "qdq" / f"{name}.onnx", name) for name in QDQ]
    results = check(cases)
    assert_statuses(results, QDQ)
    for r in results.values():
        if r["status"] == "pass":  # int8 as given: within one quantization step of onnxruntime
            assert r["quantization"] == "model" and r["max_quant_steps"] <= 1, r
