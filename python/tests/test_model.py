"""zynqnn.Model on PyTorch's default (dynamo) exports and an onnxruntime-quantized one
(tests/models/torch), against onnxruntime with its optimizations off: the PS head, int8 within
output quantization steps, batches, input checks, the watchdog around it (every default
export through compile and predict: test_torch_exports.py).
The quantization and layout the model applies are checked against numpy computing them from
plan.json's scale and zero point, independently of the runtime's codec."""
import json

import numpy as np
import onnxruntime as ort
import pytest

import zynqnn
from conftest import REPO, onnxruntime_outputs

MODELS = REPO / "tests" / "models" / "torch"


def samples(model_path, count, seed=0):
    shape = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"]).get_inputs()[0].shape
    return np.random.default_rng(seed).normal(0, 1, (count,) + tuple(shape[1:])).astype(np.float32)


@pytest.fixture(scope="module")
def softmax_cnn(tmp_path_factory):
    """A CNN whose Softmax head runs on the PS after the PL, compiled float32."""
    out = tmp_path_factory.mktemp("softmax_cnn") / "out"
    compiled = zynqnn.compile(MODELS / "dynamo" / "softmax_cnn.onnx", out)
    assert "PS (after PL): Softmax node_softmax" in compiled.placement
    return compiled


def test_the_ps_head_runs_in_predict(softmax_cnn):
    with softmax_cnn.open() as net:
        y = net.predict(samples(MODELS / "dynamo" / "softmax_cnn.onnx", 3))
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5)  # probabilities, not raw logits


def output_step(compiled):
    plan = json.loads((compiled.output_dir / "plan.json").read_text())
    return plan["pl_outputs"][0]["scale"]


def test_int8_calibrated_lenet_keeps_the_class_within_two_output_steps(tmp_path):
    model = MODELS / "dynamo" / "lenet.onnx"
    x = samples(model, 16)
    compiled = zynqnn.compile(model, tmp_path / "out", precision="int8", calibration=x)
    with compiled.open() as net:
        y = net.predict(x)
    reference = onnxruntime_outputs(model, x)
    # The input, each layer's output and the logits are each rounded once to their int8 grid:
    # measured 1.4 output steps at most on these inputs; two is the bound.
    assert np.abs(y - reference).max() <= 2 * output_step(compiled)
    assert (y.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_onnxruntime_quantized_model_runs_as_given(tmp_path):
    model = MODELS / "qdq" / "lenet_per_channel.onnx"
    compiled = zynqnn.compile(model, tmp_path / "out")
    assert compiled.precision == "int8"
    x = samples(model, 8, seed=3)
    with compiled.open() as net:
        y = net.predict(x)
    reference = onnxruntime_outputs(model, x)
    assert np.abs(y - reference).max() <= 1.0001 * output_step(compiled)  # within one quantization step


def test_pl_frames_are_the_plans_quantization_in_stream_order(tmp_path):
    model = MODELS / "dynamo" / "vgg_bn.onnx"  # three input channels: the layout matters
    x = samples(model, 4)
    compiled = zynqnn.compile(model, tmp_path / "out", precision="int8", calibration=x)
    port = json.loads((compiled.output_dir / "plan.json").read_text())["pl_inputs"][0]
    with compiled.open() as net:
        frames = net.pl_frames(x)[port["stream"]]
    # real = scale * (q - zero_point); q rounded half to even, saturated; NCHW -> NHWC.
    expected = np.clip(np.rint(x / np.float32(port["scale"])) + port["zero_point"], -128, 127).astype(np.int8)
    assert frames.reshape(len(x), -1).tolist() == expected.transpose(0, 2, 3, 1).reshape(len(x), -1).tolist()


def test_any_number_of_samples_and_each_answer_is_its_own(softmax_cnn):
    x = samples(MODELS / "dynamo" / "softmax_cnn.onnx", 7, seed=5)
    with softmax_cnn.open() as net:
        together = net.predict(x)
        alone = np.concatenate([net.predict(x[k:k + 1]) for k in range(len(x))])
    assert together.shape == (7, 10)
    np.testing.assert_array_equal(together, alone)


@pytest.mark.parametrize("mistake, error, words", [
    (lambda x: (x * 255).astype(np.uint8), TypeError, "x.astype(np.float32) / 255"),
    (lambda x: x.transpose(0, 2, 3, 1), ValueError, "channels-last"),
    (lambda x: x[0], ValueError, "x[None]"),
    (lambda x: x.astype(np.complex64), TypeError, "complex64"),
    (lambda x: np.where(np.arange(x.size).reshape(x.shape) == 40, np.nan, x).astype(np.float32), ValueError,
     "element (0, 0, 1, 12) is nan"),
])
def test_a_wrong_input_is_refused_before_anything_runs(softmax_cnn, mistake, error, words):
    x = samples(MODELS / "dynamo" / "softmax_cnn.onnx", 2)
    with softmax_cnn.open() as net:
        before = net.accelerator.stats()["calls"]
        with pytest.raises(error) as refused:
            net.predict(mistake(x))
        assert words in str(refused.value) and "'x'" in str(refused.value)
        assert net.accelerator.stats()["calls"] == before


def test_unknown_and_missing_input_names_are_named(softmax_cnn):
    with softmax_cnn.open() as net:
        with pytest.raises(TypeError, match=r"missing \['x'\], unknown \['image'\]"):
            net.predict(image=np.zeros((1, 1, 28, 28), np.float32))


def test_a_hang_without_the_watchdog_is_an_error_not_an_answer(softmax_cnn):
    x = samples(MODELS / "dynamo" / "softmax_cnn.onnx", 1)
    with softmax_cnn.open(timeout=0.05) as net:
        net.accelerator.inject_fault("hang")
        with pytest.raises(zynqnn.DeadlineExceeded):
            net.predict(x)


def test_the_watchdog_wraps_the_model_and_recovers_a_hang(softmax_cnn):
    model = MODELS / "dynamo" / "softmax_cnn.onnx"
    x = samples(model, 4, seed=9)
    with softmax_cnn.open() as net:
        watchdog = net.watch(calibration=samples(model, 20, seed=1), policy="fixed")
        assert watchdog.calibration()["calls"] == 20
        net.accelerator.inject_fault("hang")
        y = net.predict(x)
        counters = watchdog.counters()
    assert counters["outcomes"]["hang"] == 1 and counters["reconfigurations"] + counters["aborts"] >= 1
    np.testing.assert_allclose(y, onnxruntime_outputs(model, x), rtol=1e-4, atol=1e-5)


def test_an_unanswered_call_under_the_watchdog_raises_with_its_record(softmax_cnn):
    with softmax_cnn.open() as net:
        net.watch(threshold_ns=10_000_000, policy="none")
        net.accelerator.inject_fault("hang")
        with pytest.raises(zynqnn.CallNotAnswered) as unanswered:
            net.predict(samples(MODELS / "dynamo" / "softmax_cnn.onnx", 1))
    assert unanswered.value.failure.outcome == "hang"


def test_compile_errors_carry_the_tools_message(tmp_path):
    with pytest.raises(zynqnn.Error, match="nothing.onnx"):
        zynqnn.compile(tmp_path / "nothing.onnx", tmp_path / "out")


def test_estimate_names_the_layers_compile_placed(softmax_cnn):
    estimate = zynqnn.estimate(softmax_cnn.output_dir)
    assert [layer.kind for layer in estimate.layers] == ["conv", "max_pool", "fully_connected"]
    assert estimate.interval_cycles == max(layer.cycles for layer in estimate.layers)
    assert "analytical estimates" in estimate.table() and "l_node_conv2d" in estimate.table()


def test_the_console_command_writes_the_report_and_says_what_is_missing(softmax_cnn, tmp_path, capsys):
    from zynqnn.cli import main
    assert main(["report", str(softmax_cnn.output_dir)]) == 0
    assert (softmax_cnn.output_dir / "report.html").is_file()
    assert main(["report", str(tmp_path)]) == 1  # not a compiled folder: named, no traceback
    assert str(tmp_path) in capsys.readouterr().err
