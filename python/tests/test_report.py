"""The report of a compiled model (zynqnn.report): built for real compiled folders (the CLI
compiles models of the repository), with and without measurements; self-contained, layers named
by their ONNX nodes, sections without data saying so, latency bins from the data's spread, the
accuracy difference to scale, BRAM in one unit, clear errors for bad data.

The measurements here are made up for the test and marked so (data_origin "synthetic test data").
"""
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import zynqnn
from zynqnn import report_data, report_page, report_plots, write_report

from conftest import CLI, REPO

FASHION_CNN = REPO / "examples" / "fashion_mnist" / "fashion_cnn.onnx"
SOFTMAX_CNN = REPO / "tests" / "models" / "torch" / "dynamo" / "softmax_cnn.onnx"
SECTIONS = ["overview", "layers", "resources", "summary", "accuracy", "confusion", "latency", "campaign", "next-step"]
MEASURED = ["summary", "accuracy", "confusion", "latency", "campaign"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot"]


def compile_model(model, out):
    subprocess.run([str(CLI), "compile", str(model), "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def fashion_out(tmp_path_factory):
    return compile_model(FASHION_CNN, tmp_path_factory.mktemp("fashion") / "out")


@pytest.fixture(scope="module")
def softmax_out(tmp_path_factory):
    return compile_model(SOFTMAX_CNN, tmp_path_factory.mktemp("softmax") / "out")


def section(page, name):
    start = page.index(f'<section id="{name}">')
    return page[start:page.index("</section>", start)]


def images(page):
    return re.findall(r'<img[^>]*src="([^"]*)"', page)


# The compiler's estimate layout (plan.json's "estimate" without its nested "estimator").
COMPILER_ESTIMATE = {
    "clock_mhz": 100.0, "interval_cycles_estimate": 225792, "latency_cycles_estimate": 309690,
    "fps_estimate": 442.8854875283447, "dsp_estimate": 9, "bram18_estimate": 8.0, "lut_estimate": 1430,
    "budget": {"device": "XC7Z020", "dsp": 220, "bram18": 280.0, "lut": 53200}, "fits_estimate": True,
    "layers": [
        {"layer": "conv0", "ops": "Conv+Relu", "pe": 1, "simd": 1, "cycles_estimate": 56448,
         "dsp_estimate": 3, "bram18_estimate": 0.0, "lut_estimate": 290},
        {"layer": "pool0", "ops": "MaxPool", "pe": 1, "simd": 1, "cycles_estimate": 12544,
         "dsp_estimate": 0, "bram18_estimate": 1.0, "lut_estimate": 280},
        {"layer": "conv1", "ops": "Conv+Relu", "pe": 1, "simd": 1, "cycles_estimate": 225792,
         "dsp_estimate": 3, "bram18_estimate": 2.0, "lut_estimate": 290},
        {"layer": "dense", "ops": "Gemm", "pe": 1, "simd": 1, "cycles_estimate": 7840,
         "dsp_estimate": 3, "bram18_estimate": 5.0, "lut_estimate": 570},
    ],
}

# The layer library's layout, which `zynqnn estimate --json` prints (FF and BRAM18 given).
LIBRARY_ESTIMATE = {
    "kind": "analytical_estimate", "clock_mhz": 100.0, "cycles_per_frame_estimate": 1000,
    "frames_per_second_estimate": 100000.0, "latency_cycles_estimate": 1500,
    "resources": {"lut_estimate": 700, "ff_estimate": 900, "bram18_estimate": 3, "dsp_estimate": 4},
    "budget": {"device": "xc7z020", "lut": 53200, "ff": 106400, "bram18": 280, "dsp": 220},
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
        "images": 10000, "accuracy_float": 0.8853, "accuracy_accelerator": 0.8857,
        "accuracy_torch_reference": 0.8851, "faults_injected": 27, "faults_detected": 26, "faults_recovered": 25,
        "lost_inputs": 3, "throughput_images_per_s": 812.5, "modeled_latency_ms": 3.0969,
        "campaign_policy": "adaptive", "campaign_calls": 400,
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    (folder / "confusion.json").write_text(json.dumps({"classes": FASHION_CLASSES, "matrix": matrix.tolist()}))
    # Modeled latency: every call within a few nanoseconds, the threshold far to the right.
    samples = 3_097_440 + rng.integers(0, 8, 10000)
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


# ----------------------------------------------------------------------------- a compiled folder alone
@pytest.fixture(scope="module")
def bare_page(fashion_out):
    return zynqnn.report(fashion_out).read_text(encoding="utf-8")


def test_report_of_a_compiled_folder_is_self_contained(bare_page, fashion_out):
    assert (fashion_out / "report.html").is_file()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", bare_page, re.IGNORECASE)
    assert "<link" not in bare_page.lower() and "<script" not in bare_page.lower()
    for src in images(bare_page):
        assert src.startswith("data:image/png;base64,") and len(src) > 5000  # a real picture
    assert len(images(bare_page)) == 2  # layer cycles, resources
    for name in SECTIONS:
        assert f'<section id="{name}">' in bare_page


def test_layers_are_named_by_their_onnx_nodes(bare_page):
    layers = section(bare_page, "layers")
    for row in ["<td>/features/features.0/Conv + /features/features.1/Relu</td><td>Conv+Relu</td>"
                "<td>l_features_features_0_Conv</td>",
                "<td>/features/features.2/MaxPool</td><td>MaxPool</td>", "<td>/classifier/Gemm</td><td>Gemm</td>"]:
        assert row in layers, row
    assert ">225,792<" in layers  # the bottleneck's cycles per frame
    overview = section(bare_page, "overview")
    assert "fashion_cnn.onnx" in overview and "5 layers from 7 ONNX nodes" in overview
    assert "image float32 [1, 1, 28, 28]" in overview


def test_bram_is_shown_in_bram18_only(bare_page):
    layers = section(bare_page, "layers")
    assert "BRAM18 (18 Kb halves) (estimate)" in layers
    assert "BRAM36 (" not in bare_page and "bram36" not in bare_page
    # total 27 BRAM18 from the estimator, of the device's 280
    assert '<td class="num">27</td>' in layers and '<td class="num">280</td>' in layers


def test_sections_without_data_say_not_measured(bare_page):
    for name in MEASURED:
        text = section(bare_page, name)
        assert "Not measured:" in text and "<img" not in text, name
    assert "missing" not in bare_page


def test_next_step_names_the_build_scripts_and_that_vivado_was_not_run(bare_page, fashion_out):
    step = section(bare_page, "next-step")
    assert "Vitis HLS and Vivado have not been run on this folder" in step
    assert "vivado/fashion_cnn.bit" in step
    for script in ["vivado/build.sh", "hls/run_hls.tcl", "vivado/build_bd.tcl"]:
        assert f"<td>{script}</td>" in step
    assert f"sh {fashion_out}/vivado/build.sh" in step
    assert f'board="{fashion_out}/vivado/fashion_cnn.hwh"' in step


def test_operators_on_the_ps_are_named(softmax_out, tmp_path):
    page = zynqnn.report(softmax_out, html_path=tmp_path / "r.html").read_text(encoding="utf-8")
    overview = section(page, "overview")
    assert "on the PS (CPU), after the PL</td><td>node_softmax (Softmax)" in overview
    assert "<td>node_conv2d + node_relu</td>" in section(page, "layers")


def test_a_folder_that_is_not_compiled_is_refused(tmp_path):
    with pytest.raises(report_data.ReportDataError, match="no manifest.json: give the output folder of"):
        zynqnn.report(tmp_path)


# ----------------------------------------------------------------------------- with the demo's measurements
@pytest.fixture(scope="module")
def measured(fashion_out, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    summary = synthetic_data(folder)
    out = zynqnn.report(fashion_out, data=folder, html_path=folder / "report.html")
    return summary, out.read_text(encoding="utf-8")


def test_every_measured_section_has_its_plot(measured):
    _, page = measured
    assert len(images(page)) == 6  # + accuracy, confusion, latency histogram, campaign timeline
    for name in MEASURED:
        assert "Not measured" not in section(page, name), name


def test_summary_numbers_are_in_the_table(measured):
    summary, page = measured
    table = section(page, "summary")
    for text in ["10,000", "0.8853", "0.8857", ">27<", ">26<", ">25<", ">3<", "812.5", "3.0969"]:
        assert text in table, text


def test_accuracy_difference_is_shown_to_scale(measured):
    _, page = measured
    accuracy = section(page, "accuracy")
    # accelerator vs float: +0.04 points = 4 of 10,000 images, as numbers and on a zoomed axis
    assert ("<td>accelerator (virtual board)</td><td class=\"num\">0.8857</td><td class=\"num\">8,857</td>"
            "<td>+0.04</td>") in accuracy
    assert "<td>PyTorch at training</td><td class=\"num\">0.8851</td><td>—</td><td>-0.02</td>" in accuracy
    left, right = report_plots.accuracy_axis([0.8851, 0.8853, 0.8857])
    assert 88.0 < left < 88.51 and 88.57 < right < 89.0


def test_synthetic_data_is_flagged_on_the_page(measured):
    _, page = measured
    assert 'class="warning"' in page and "synthetic test data" in page


def test_campaign_table_sums_the_fault_kinds(measured):
    _, page = measured
    assert ("<td>adaptive</td><td class=\"num\">27</td><td class=\"num\">26</td><td class=\"num\">25</td>"
            in section(page, "campaign"))


def test_latency_caption_gives_the_range(measured):
    _, page = measured
    text = section(page, "latency")
    assert re.search(r"10,000 calls from 3,097\.440 to 3,097\.44[0-7] µs \(spread [0-7] ns", text), text
    assert "threshold is 3,900.0 µs (1.26 × the median)" in text


@pytest.mark.parametrize("spread_ns", [0, 7, 5_000])
def test_latency_bins_follow_the_spread_of_the_samples(spread_ns):
    samples = 3_097_440 + np.linspace(0, spread_ns, 1000).round()
    edges = report_plots.latency_bin_edges(samples)
    counts, _ = np.histogram(samples, bins=edges)
    assert len(counts) > 1 and counts.sum() == samples.size
    assert edges[0] < samples.min() and edges[-1] > samples.max()
    assert edges[-1] - edges[0] <= max(spread_ns, 1) * 2 + 10  # never stretched to a far threshold
    if spread_ns:
        assert (counts > 0).sum() > 1  # near-equal calls still make several bars


def test_a_partial_data_folder_measures_what_it_has(fashion_out, tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({"images": 500, "accuracy_float": 0.9,
                                                       "accuracy_accelerator": 0.898}))
    page = zynqnn.report(fashion_out, data=tmp_path).read_text(encoding="utf-8")
    assert "<img" in section(page, "accuracy")
    for name in ["confusion", "latency", "campaign"]:
        assert "Not measured:" in section(page, name)
    assert 'class="warning"' not in page


def test_compiler_estimate_is_normalized():
    est = report_data.normalize_estimate(COMPILER_ESTIMATE, {"conv0": {"nodes": ["/c/Conv", "/c/Relu"],
                                                                       "ops": "Conv+Relu"}})
    assert [layer["name"] for layer in est["layers"]] == ["conv0", "pool0", "conv1", "dense"]
    assert est["layers"][0]["nodes"] == ["/c/Conv", "/c/Relu"] and est["layers"][1]["nodes"] == []
    assert est["layers"][3]["bram18"] == 5.0
    assert est["layers"][0]["ff"] is None  # not estimated: never shown as zero
    assert est["totals"] == {"lut": 1430, "ff": None, "bram18": 8.0, "dsp": 9}
    assert est["budget"] == {"lut": 53200, "ff": 106400, "bram18": 280.0, "dsp": 220}
    older = dict(COMPILER_ESTIMATE, bram18_estimate=None, bram36_estimate=4.0, budget={"bram36": 140})
    assert report_data.normalize_estimate(older)["totals"]["bram18"] == 8.0  # folders written in BRAM36
    assert report_data.normalize_estimate(older)["budget"]["bram18"] == 280
    assert est["interval_cycles"] == 225792 and est["latency_cycles"] == 309690


def test_requantization_is_named_by_the_layer_it_follows():
    estimate = {"layers": [{"name": "l_conv", "kind": "conv", "cycles_per_frame_estimate": 10},
                           {"name": "l_conv_requant", "kind": "requantize", "cycles_per_frame_estimate": 2}]}
    est = report_data.normalize_estimate(estimate, {"l_conv": {"nodes": ["/Conv", "/Relu"], "ops": "Conv+Relu"}})
    assert [(layer["nodes"], layer["ops"]) for layer in est["layers"]] == [(["/Conv", "/Relu"], "Conv+Relu"),
                                                                         (["/Conv", "/Relu"], "requantize")]


def test_library_estimate_is_normalized():
    est = report_data.normalize_estimate(LIBRARY_ESTIMATE)
    assert est["layers"][0] == {"name": "a", "nodes": [], "ops": "conv", "pe": 2, "simd": 1, "cycles": 1000,
                                "lut": 400, "ff": 500, "bram18": 2.0, "dsp": 4}
    assert est["totals"] == {"lut": 700, "ff": 900, "bram18": 3.0, "dsp": 4}
    assert est["budget"]["bram18"] == 280 and est["device"] == "XC7Z020"
    assert est["fps"] == 100000.0


def test_malformed_file_is_named(fashion_out, tmp_path):
    synthetic_data(tmp_path)
    (tmp_path / "confusion.json").write_text("{not json")
    with pytest.raises(report_data.ReportDataError, match="confusion.json: not JSON"):
        zynqnn.report(fashion_out, data=tmp_path, html_path=tmp_path / "r.html")


def test_trace_line_without_a_field_is_named(tmp_path):
    synthetic_data(tmp_path)
    with open(tmp_path / "campaign_trace.jsonl", "a") as f:
        f.write(json.dumps({"call": 400, "policy": "adaptive", "latency_ns": 1}) + "\n")
    with pytest.raises(report_data.ReportDataError, match=r"campaign_trace.jsonl:401: missing field\(s\) outcome"):
        report_data.load_measurements(tmp_path)


def test_campaign_policy_absent_from_the_campaign_is_refused(fashion_out, tmp_path):
    synthetic_data(tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    summary["campaign_policy"] = "fixed"
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    with pytest.raises(report_data.ReportDataError, match="campaign.json: no policy 'fixed'"):
        zynqnn.report(fashion_out, data=tmp_path, html_path=tmp_path / "r.html")


def test_command_line_writes_the_report_and_fails_on_bad_data(fashion_out, tmp_path, capsys):
    synthetic_data(tmp_path)
    out = tmp_path / "out" / "r.html"
    assert write_report.main([str(fashion_out), "--data", str(tmp_path), "--out", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    (tmp_path / "latency.json").write_text(json.dumps({"threshold_ns": 1}))
    assert write_report.main([str(fashion_out), "--data", str(tmp_path), "--out", str(out)]) == 1
    assert "latency.json: missing field 'samples_ns'" in capsys.readouterr().err


def test_the_script_runs_without_the_package(fashion_out, tmp_path):
    # python python/zynqnn/write_report.py: NumPy and matplotlib only, no native library
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "ZYNQNN_LIBRARY")}
    script = REPO / "python" / "zynqnn" / "write_report.py"
    out = tmp_path / "r.html"
    result = subprocess.run([sys.executable, str(script), str(fashion_out), "--out", str(out)], env=env,
                            capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(out)
    assert "/classifier/Gemm" in out.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- the demo's data
DEMO_PY = Path(__file__).resolve().parents[2] / "examples" / "fashion_mnist" / "demo.py"


@pytest.fixture(scope="module")
def demo():
    spec = importlib.util.spec_from_file_location("fashion_demo_under_test", DEMO_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
