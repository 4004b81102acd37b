"""The demo report (zynqnn.report) built from synthetic data: self-contained, every section,
one image per plot, the summary's numbers in its table, clear errors for bad data.

The data here is made up for the test and marked so (data_origin "synthetic test data"); the
module is loaded from its file so that these tests need neither the native library nor a build.
"""
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

REPORT_PY = Path(__file__).resolve().parents[1] / "zynqnn" / "report.py"


def _load_report_module():
    spec = importlib.util.spec_from_file_location("zynqnn_report_under_test", REPORT_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


report = _load_report_module()

SECTIONS = ["summary", "accuracy", "confusion", "latency", "campaign", "layers", "resources"]
PLOTS = 6  # accuracy, confusion, latency histogram, campaign timeline, layer cycles, resources

# The compiler's estimate layout (zynqnn estimate --json on a compiled network).
COMPILER_ESTIMATE = {
    "clock_mhz": 100.0, "interval_cycles_estimate": 225792, "latency_cycles_estimate": 309690,
    "fps_estimate": 442.8854875283447, "dsp_estimate": 9, "bram36_estimate": 4.0, "lut_estimate": 1430,
    "budget": {"device": "XC7Z020", "dsp": 220, "bram36": 140.0, "lut": 53200}, "fits_estimate": True,
    "layers": [
        {"layer": "conv0", "ops": "Conv+Relu", "pe": 1, "simd": 1, "cycles_estimate": 56448,
         "dsp_estimate": 3, "bram36_estimate": 0.0, "lut_estimate": 290},
        {"layer": "pool0", "ops": "MaxPool", "pe": 1, "simd": 1, "cycles_estimate": 12544,
         "dsp_estimate": 0, "bram36_estimate": 0.5, "lut_estimate": 280},
        {"layer": "conv1", "ops": "Conv+Relu", "pe": 1, "simd": 1, "cycles_estimate": 225792,
         "dsp_estimate": 3, "bram36_estimate": 1.0, "lut_estimate": 290},
        {"layer": "dense", "ops": "Gemm", "pe": 1, "simd": 1, "cycles_estimate": 7840,
         "dsp_estimate": 3, "bram36_estimate": 2.5, "lut_estimate": 570},
    ],
}

# The layer library's layout (FF and BRAM18 given).
LIBRARY_ESTIMATE = {
    "kind": "analytical_estimate", "clock_mhz": 100.0, "cycles_per_frame_estimate": 1000,
    "frames_per_second_estimate": 100000.0, "latency_cycles_estimate": 1500,
    "resources": {"lut_estimate": 700, "ff_estimate": 900, "bram18_estimate": 3, "dsp_estimate": 4},
    "budget": {"device": "XC7Z020", "lut": 53200, "ff": 106400, "bram18": 280, "dsp": 220},
    "layers": [
        {"name": "a", "kind": "conv", "pe": 2, "simd": 1, "cycles_per_frame_estimate": 1000,
         "resources": {"lut_estimate": 400, "ff_estimate": 500, "bram18_estimate": 2, "dsp_estimate": 4}},
        {"name": "b", "kind": "pool", "pe": 1, "simd": 1, "cycles_per_frame_estimate": 500,
         "resources": {"lut_estimate": 300, "ff_estimate": 400, "bram18_estimate": 1, "dsp_estimate": 0}},
    ],
}


def synthetic_data(folder, seed=0):
    """Writes a complete, made-up data folder; returns the summary."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    labels = rng.integers(0, 10, 10000)
    predictions = np.where(rng.random(10000) < 0.87, labels, rng.integers(0, 10, 10000))
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (labels, predictions), 1)
    summary = {
        "data_origin": "synthetic test data", "model": "fashion_cnn.onnx", "precision": "int8", "board": "pynq-z1",
        "images": 10000, "accuracy_float": 0.8853, "accuracy_accelerator": float((labels == predictions).mean()),
        "accuracy_torch_reference": 0.8851, "faults_injected": 27, "faults_detected": 26, "faults_recovered": 25,
        "lost_inputs": 3, "throughput_images_per_s": 812.5, "modeled_latency_ms": 3.0969,
        "campaign_policy": "adaptive", "campaign_calls": 400,
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    (folder / "estimate.json").write_text(json.dumps(COMPILER_ESTIMATE))
    (folder / "confusion.json").write_text(json.dumps({"classes": report.FASHION_MNIST_CLASSES,
                                                       "matrix": matrix.tolist()}))
    samples = rng.normal(3_100_000, 20_000, 10000).astype(int)
    (folder / "latency.json").write_text(json.dumps({"samples_ns": samples.tolist(), "threshold_ns": 3_900_000,
                                                     "clock": "board clock (modeled)"}))
    faults = {"hang": {"injected": 5, "detected": 5, "recovered": 4},
              "stall": {"injected": 12, "detected": 11, "recovered": 12},
              "bus_error": {"injected": 10, "detected": 10, "recovered": 9}}
    campaign = {"seed": 1, "calls": 400, "target": "synthetic", "policies": {
        "none": {"lost": 15, "silent_corruptions": 2, "false_positives": 0, "availability": 0.96, "faults": faults,
                 "threshold_ns": 3_900_000},
        "adaptive": {"lost": 3, "silent_corruptions": 0, "false_positives": 1, "availability": 0.9925,
                     "faults": faults, "threshold_ns": 3_900_000, "final_threshold_ns": 3_950_000,
                     "deadline_ns": 15_600_000}}}
    (folder / "campaign.json").write_text(json.dumps(campaign))
    kinds = ["hang", "stall", "bus_error"]
    with open(folder / "campaign_trace.jsonl", "w") as f:
        for call in range(400):
            fault = kinds[(call // 15) % 3] if call % 15 == 7 else None
            latency = {"hang": 15_600_000, "stall": 20_000_000, "bus_error": 40_000}.get(fault, int(samples[call]))
            f.write(json.dumps({"call": call, "policy": "adaptive", "latency_ns": latency,
                                "outcome": "ok" if fault is None else fault, "fault": fault, "persistent": False,
                                "detected": fault is not None, "recovered": fault is not None and call % 2 == 1,
                                "lost": fault == "hang" and call % 2 == 0, "actions": []}) + "\n")
    return summary


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    summary = synthetic_data(folder)
    out = report.write_report(folder, folder / "report.html")
    return summary, out.read_text(encoding="utf-8")


def test_report_is_self_contained(built):
    _, page = built
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page.lower()
    assert "<script" not in page.lower()
    for src in re.findall(r'<img[^>]*src="([^"]*)"', page):
        assert src.startswith("data:image/png;base64,")
        assert len(src) > 5000  # a real picture, not an empty one


def test_report_has_every_section_and_one_image_per_plot(built):
    _, page = built
    for section in SECTIONS:
        assert f'<section id="{section}">' in page
    assert page.count("<img ") == PLOTS


def test_summary_numbers_are_in_the_table(built):
    summary, page = built
    table = page[page.index('<section id="summary">'):page.index('<section id="accuracy">')]
    for text in ["10,000", "0.8853", f"{summary['accuracy_accelerator']:.4f}", ">27<", ">26<", ">25<", ">3<",
                 "812.5", "3.0969"]:
        assert text in table, text


def test_synthetic_data_is_flagged_on_the_page(built):
    _, page = built
    assert 'class="warning"' in page and "synthetic test data" in page


def test_campaign_table_sums_the_fault_kinds(built):
    _, page = built
    section = page[page.index('<section id="campaign">'):page.index('<section id="layers">')]
    assert "<td>adaptive</td><td class=\"num\">27</td><td class=\"num\">26</td><td class=\"num\">25</td>" in section


def test_every_resource_figure_is_called_an_estimate(built):
    _, page = built
    section = page[page.index('<section id="layers">'):page.index('<section id="resources">')]
    for header in ["cycles/frame (estimate)", "LUT (estimate)", "FF (estimate)", "BRAM18 (estimate)", "DSP (estimate)"]:
        assert header in section


def test_compiler_estimate_is_normalized():
    est = report.normalize_estimate(COMPILER_ESTIMATE)
    assert [layer["name"] for layer in est["layers"]] == ["conv0", "pool0", "conv1", "dense"]
    assert est["layers"][3]["bram18"] == 5.0  # 2.5 BRAM36
    assert est["layers"][0]["ff"] is None  # not estimated: never shown as zero
    assert est["totals"] == {"lut": 1430, "ff": None, "bram18": 8.0, "dsp": 9}
    assert est["budget"] == {"lut": 53200, "ff": 106400, "bram18": 280.0, "dsp": 220}
    assert est["interval_cycles"] == 225792 and est["latency_cycles"] == 309690


def test_library_estimate_is_normalized():
    est = report.normalize_estimate(LIBRARY_ESTIMATE)
    assert est["layers"][0] == {"name": "a", "ops": "conv", "pe": 2, "simd": 1, "cycles": 1000,
                                "lut": 400, "ff": 500, "bram18": 2, "dsp": 4}
    assert est["totals"] == {"lut": 700, "ff": 900, "bram18": 3, "dsp": 4}
    assert est["fps"] == 100000.0


def test_missing_file_is_named(tmp_path):
    synthetic_data(tmp_path)
    (tmp_path / "latency.json").unlink()
    with pytest.raises(report.ReportDataError, match="latency.json: missing"):
        report.load_data(tmp_path)


def test_trace_line_without_a_field_is_named(tmp_path):
    synthetic_data(tmp_path)
    with open(tmp_path / "campaign_trace.jsonl", "a") as f:
        f.write(json.dumps({"call": 400, "policy": "adaptive", "latency_ns": 1}) + "\n")
    with pytest.raises(report.ReportDataError, match=r"campaign_trace.jsonl:401: missing field\(s\) outcome"):
        report.load_data(tmp_path)


def test_summary_without_a_required_number_is_refused(tmp_path):
    synthetic_data(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    del summary["lost_inputs"]
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(report.ReportDataError, match="summary.json: missing field 'lost_inputs'"):
        report.build_html(report.load_data(tmp_path))


def test_cli_writes_the_report_and_fails_on_bad_data(tmp_path, capsys):
    synthetic_data(tmp_path)
    out = tmp_path / "out" / "r.html"
    assert report.main(["--data", str(tmp_path), "--out", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    (tmp_path / "confusion.json").write_text("{not json")
    assert report.main(["--data", str(tmp_path), "--out", str(out)]) == 1
    assert "confusion.json: not JSON" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the demo's data
DEMO_PY = Path(__file__).resolve().parents[2] / "examples" / "fashion_mnist" / "demo.py"


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("fashion_demo_under_test", DEMO_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _port(stream, scale, zero_point, pixels, channels, order_channels=1, order_pixels=1):
    return {"stream": stream, "scale": scale, "zero_point": zero_point, "pixels": pixels, "channels": channels,
            "order_channels": order_channels, "order_pixels": order_pixels}


def _plan_and_manifest(input_port, output_port, input_shape, output_shape):
    plan = {"precision": "int8", "ps_before_pl": [], "ps_after_pl": [], "pl_inputs": [input_port],
            "pl_outputs": [output_port]}
    manifest = {"streams": [{"name": input_port["stream"], "dtype": "int8", "shape": input_shape},
                            {"name": output_port["stream"], "dtype": "int8", "shape": output_shape}]}
    return plan, manifest


def test_codec_quantizes_as_quantizelinear(demo):
    plan, manifest = _plan_and_manifest(_port("in", 1 / 255, -128, 784, 1), _port("out", 0.5, 3, 1, 10),
                                        [1, 28, 28, 1], [1, 10])
    codec = demo.HostCodec(plan, manifest)
    image = np.linspace(0, 1, 784, dtype=np.float32).reshape(1, 28, 28)
    q = codec.quantize(image)
    assert q.shape == (1, 28, 28, 1) and q.dtype == np.int8
    want = np.clip(np.rint(image.reshape(-1).astype(np.float64) / np.float32(1 / 255)) - 128, -128, 127)
    np.testing.assert_array_equal(q.reshape(-1), want)
    assert q.reshape(-1)[0] == -128 and q.reshape(-1)[-1] == 127
    np.testing.assert_allclose(codec.dequantize(np.arange(10, dtype=np.int8)), (np.arange(10) - 3) * 0.5)


def test_codec_streams_a_multichannel_image_in_nhwc_order(demo):
    # 2 channels x 3 pixels: stream element j is ONNX element (j % 2) * 3 + j // 2.
    plan, manifest = _plan_and_manifest(_port("in", 1.0, 0, 3, 2, 2, 3), _port("out", 1.0, 0, 1, 2),
                                        [1, 3, 1, 2], [1, 2])
    q = demo.HostCodec(plan, manifest).quantize(np.array([0, 1, 2, 10, 11, 12], dtype=np.float32))
    np.testing.assert_array_equal(q.reshape(-1), [0, 10, 1, 11, 2, 12])


def test_codec_refuses_a_plan_with_ps_operators(demo):
    plan, manifest = _plan_and_manifest(_port("in", 1.0, 0, 4, 1), _port("out", 1.0, 0, 1, 2), [4], [2])
    plan["ps_after_pl"] = ["/Softmax"]
    with pytest.raises(demo.StageError, match="operators run on the PS"):
        demo.HostCodec(plan, manifest)


def test_confusion_matrix_leaves_unanswered_images_out(demo):
    labels = np.array([0, 1, 1, 2, 9])
    predictions = np.array([0, 1, 2, -1, 9])  # -1: the call failed
    matrix = demo.confusion_matrix(labels, predictions)
    assert matrix.sum() == 4 and matrix[0, 0] == 1 and matrix[1, 1] == 1 and matrix[1, 2] == 1 and matrix[9, 9] == 1


def test_campaign_totals_sum_every_fault_kind(demo):
    campaign = {"policies": {"adaptive": {"lost": 2, "silent_corruptions": 1, "faults": {
        "hang": {"injected": 4, "detected": 4, "recovered": 3},
        "drift": {"injected": 2, "detected": 1, "recovered": 2, "reached_hang": 0}}}}}
    totals = demo.campaign_totals(campaign, "adaptive")
    assert (totals["faults_injected"], totals["faults_detected"], totals["faults_recovered"]) == (6, 5, 5)
    assert totals["lost_inputs"] == 2 and totals["silent_corruptions"] == 1
    with pytest.raises(demo.StageError, match="no policy 'fixed'"):
        demo.campaign_totals(campaign, "fixed")


def test_calibration_inputs_come_from_the_training_images(demo, tmp_path):
    images = np.arange(50 * 4, dtype=np.float32).reshape(50, 1, 2, 2)
    picked = demo.make_calibration(images, 7, 1, tmp_path / "calib.npy")
    saved = np.load(tmp_path / "calib.npy")
    assert saved.shape == (7, 1, 2, 2) and saved.dtype == np.float32
    assert len(set(picked.tolist())) == 7
    np.testing.assert_array_equal(saved, images[picked])
