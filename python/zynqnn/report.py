"""The demo's report: one self-contained HTML page (inline CSS, plots as PNG data URIs, no
external asset) built from the plain JSON files the demo writes.

    python -m zynqnn.report --data build/demo --out build/demo/report.html

Files read from the data folder (docs/demo.md describes each field):

``summary.json``
    images, accuracy_float, accuracy_accelerator, faults_injected, faults_detected,
    faults_recovered, lost_inputs, throughput_images_per_s, modeled_latency_ms, ... and
    ``data_origin`` ("demo" for a real run; anything else is shown as a warning banner).
``estimate.json``
    what ``zynqnn estimate OUT --json`` prints. Both estimate layouts of the project are read:
    the compiler's (``layers[].layer``, ``cycles_estimate``, ``lut_estimate``,
    ``bram36_estimate``, ``dsp_estimate``) and the layer library's (``layers[].name``,
    ``cycles_per_frame_estimate``, ``resources.{lut,ff,bram18,dsp}_estimate``).
``confusion.json``
    ``{"classes": [10 names], "matrix": [[count]*10]*10}``, rows the true class, columns the
    predicted one.
``latency.json``
    ``{"samples_ns": [...], "threshold_ns": T, "clock": "...", "calibration_file": "..."}``:
    the latency of every accelerator call and the watchdog's calibrated threshold.
``campaign.json``
    what ``zynqnn campaign OUT --json`` prints (per policy: faults by kind, lost, ...).
``campaign_trace.jsonl``
    one JSON object per campaign call (the format is ``TRACE_FIELDS`` below).

This module depends on NumPy and matplotlib only, not on the native library: where the package
cannot be imported (no native library built), ``python python/zynqnn/report.py --data DIR --out
FILE`` rebuilds the report from the JSON files all the same.
"""
import argparse
import base64
import html
import io
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the non-interactive backend)
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# The XC7Z020 (PYNQ-Z1/Z2) budget; 140 BRAM36 = 280 BRAM18.
XC7Z020_BUDGET = {"lut": 53200, "ff": 106400, "bram18": 280, "dsp": 220}
RESOURCE_LABELS = {"lut": "LUT", "ff": "FF", "bram18": "BRAM18", "dsp": "DSP48E1"}

# The per-call campaign trace (campaign_trace.jsonl), one JSON object per line:
#   call        int, 0-based index of the call in the campaign
#   policy      str, the watchdog policy that served it (none, fixed, adaptive); a trace may hold
#               several policies' calls, the report draws those of summary.json's campaign_policy
#   latency_ns  int, the call's latency on the board's clock (for a hang: until it was cut off)
#   outcome     str, ok | slow | hang | dma_error | bad_output | canary_mismatch
#   fault       str or null, the fault kind injected before this call (or "drift" for a drift step)
#   persistent  bool, the injected fault persists until a reconfiguration
#   detected    bool, the policy noticed something wrong on this call
#   recovered   bool, the input was answered and the fault healed on this call
#   lost        bool, the input got no answer
#   actions     list of str, the watchdog's actions on this call (abort, reconfigure, retry, ...)
#   correct     optional bool: the answer equals the fault-free one (false and not lost: a silent
#               corruption, drawn as such)
TRACE_FIELDS = ("call", "policy", "latency_ns", "outcome", "fault", "persistent", "detected",
                "recovered", "lost", "actions")

DATA_FILES = ("summary.json", "estimate.json", "confusion.json", "latency.json", "campaign.json",
              "campaign_trace.jsonl")


class ReportDataError(ValueError):
    """A data file is missing, malformed, or lacks a field; the message names the file and field."""


# ----------------------------------------------------------------------------- loading
def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ReportDataError(f"{path}: missing") from None
    except json.JSONDecodeError as e:
        raise ReportDataError(f"{path}: not JSON ({e})") from None


def read_trace(path):
    """The campaign trace (JSON lines) as a list of dicts; every line needs every TRACE_FIELDS key."""
    records = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ReportDataError(f"{path}:{number}: not JSON ({e})") from None
                missing = [k for k in TRACE_FIELDS if k not in record]
                if missing:
                    raise ReportDataError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
                records.append(record)
    except FileNotFoundError:
        raise ReportDataError(f"{path}: missing") from None
    if not records:
        raise ReportDataError(f"{path}: no call in the trace")
    return records


def load_data(folder):
    """Reads every file of the data folder into a dict keyed by file stem."""
    folder = Path(folder)
    data = {}
    for name in DATA_FILES:
        path = folder / name
        data[name.split(".")[0]] = read_trace(path) if name.endswith(".jsonl") else _read_json(path)
    return data


def _need(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise ReportDataError(f"{where}: missing field '{key}'")
    return mapping[key]


# ----------------------------------------------------------------------------- estimates
def normalize_estimate(estimate):
    """Both estimate layouts to one: {clock_mhz, fps, interval_cycles, latency_cycles,
    layers: [{name, ops, pe, simd, cycles, lut, ff, bram18, dsp}], totals, budget}. A resource
    the estimator does not give is None (shown as "not estimated", never as zero)."""
    where = "estimate.json"
    layers = []
    for index, layer in enumerate(_need(estimate, "layers", where)):
        at = f"{where} layers[{index}]"
        resources = layer.get("resources", layer)
        bram18 = resources.get("bram18_estimate")
        if bram18 is None and "bram36_estimate" in resources:
            bram18 = 2 * resources["bram36_estimate"]
        cycles = layer.get("cycles_estimate", layer.get("cycles_per_frame_estimate"))
        if cycles is None:
            raise ReportDataError(f"{at}: missing field 'cycles_estimate' (or 'cycles_per_frame_estimate')")
        layers.append({
            "name": layer.get("layer", layer.get("name")) or f"layer {index}",
            "ops": layer.get("ops", layer.get("kind", "")),
            "pe": layer.get("pe"), "simd": layer.get("simd"),
            "cycles": int(cycles),
            "lut": resources.get("lut_estimate"), "ff": resources.get("ff_estimate"),
            "bram18": bram18, "dsp": resources.get("dsp_estimate"),
        })
    totals_source = estimate.get("resources", estimate)
    totals = {}
    for key in ("lut", "ff", "bram18", "dsp"):
        value = totals_source.get(f"{key}_estimate")
        if key == "bram18" and value is None and "bram36_estimate" in totals_source:
            value = 2 * totals_source["bram36_estimate"]
        if value is None and all(layer[key] is not None for layer in layers) and layers:
            value = sum(layer[key] for layer in layers)
        totals[key] = value
    budget = dict(XC7Z020_BUDGET)
    given = estimate.get("budget", {})
    for key in ("lut", "ff", "bram18", "dsp"):
        if key in given:
            budget[key] = given[key]
    if "bram18" not in given and "bram36" in given:
        budget["bram18"] = 2 * given["bram36"]
    clock = float(estimate.get("clock_mhz", 100.0))
    interval = estimate.get("interval_cycles_estimate", estimate.get("cycles_per_frame_estimate"))
    if interval is None:
        interval = max((layer["cycles"] for layer in layers), default=0)
    fps = estimate.get("fps_estimate", estimate.get("frames_per_second_estimate"))
    if fps is None and interval:
        fps = clock * 1e6 / interval
    latency = estimate.get("latency_cycles_estimate", sum(layer["cycles"] for layer in layers))
    return {"clock_mhz": clock, "fps": fps, "interval_cycles": int(interval), "latency_cycles": int(latency),
            "layers": layers, "totals": totals, "budget": budget, "device": given.get("device", "XC7Z020"),
            "fits": estimate.get("fits_estimate")}


# ----------------------------------------------------------------------------- plots
def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plain_log_axis(axis):
    """Log-scale ticks as plain numbers (1,000 rather than 10^3): easier to read off."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.10g}"))
    axis.set_minor_formatter(NullFormatter())


def plot_accuracy(summary):
    names = ["float32 (onnxruntime)", "int8 accelerator\n(virtual board)"]
    values = [float(_need(summary, "accuracy_float", "summary.json")),
              float(_need(summary, "accuracy_accelerator", "summary.json"))]
    fig, ax = plt.subplots(figsize=(7, 4))
    bars = ax.bar(names, values, color=["#4c72b0", "#dd8452"], width=0.5)
    for bar, value in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.01, f"{value:.4f}", ha="center", va="bottom")
    reference = summary.get("accuracy_torch_reference")
    if reference is not None:
        ax.axhline(reference, color="grey", linestyle=":", label=f"PyTorch at training: {reference:.4f}")
        ax.legend(loc="lower right")
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("accuracy (fraction correct)")
    ax.set_xlabel("model")
    ax.set_title(f"Test accuracy on {summary.get('images', '?'):,} Fashion-MNIST images")
    return _png(fig)


def plot_confusion(confusion):
    matrix = np.asarray(_need(confusion, "matrix", "confusion.json"), dtype=np.int64)
    classes = confusion.get("classes", FASHION_MNIST_CLASSES)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] != len(classes):
        raise ReportDataError(f"confusion.json: matrix must be {len(classes)}x{len(classes)}, got {matrix.shape}")
    fig, ax = plt.subplots(figsize=(9, 8))
    image = ax.imshow(matrix, cmap="Blues")
    n = len(classes)
    ax.set_xticks(range(n), classes, rotation=40, ha="right")
    ax.set_yticks(range(n), classes)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xlabel("predicted class (accelerator, int8)")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix of the accelerator ({int(matrix.sum()):,} test images)")
    fig.colorbar(image, ax=ax, label="images (count)", fraction=0.046, pad=0.04)
    return _png(fig)


def plot_latency_histogram(latency):
    samples = np.asarray(_need(latency, "samples_ns", "latency.json"), dtype=np.float64) / 1e3
    if samples.size == 0:
        raise ReportDataError("latency.json: samples_ns is empty")
    threshold = float(_need(latency, "threshold_ns", "latency.json")) / 1e3
    # Bins over everything shown (samples and threshold), so that even calls of one and the same
    # modeled latency make a bar of visible width.
    left, right = min(float(samples.min()), threshold), max(float(samples.max()), threshold)
    margin = 0.05 * (right - left) if right > left else max(abs(right) * 0.05, 1.0)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.hist(samples, bins=np.linspace(left - margin, right + margin, 81), color="#4c72b0",
            label=f"{samples.size:,} calls")
    ax.set_xlim(left - margin, right + margin)
    median = float(np.median(samples))
    ax.axvline(median, color="black", linestyle=":", label=f"median {median:,.1f} µs")
    ax.axvline(threshold, color="#c44e52", linestyle="--", linewidth=2,
               label=f"calibrated threshold {threshold:,.1f} µs")
    ax.set_yscale("log")
    _plain_log_axis(ax.yaxis)
    ax.set_xlabel(f"call latency (µs, {latency.get('clock', 'board clock')})")
    ax.set_ylabel("calls (count, log scale)")
    ax.set_title("Latency of the accelerator calls, with the watchdog's calibrated threshold")
    ax.legend(loc="upper right")
    return _png(fig)


FAULT_STYLE = {  # kind -> (marker, colour)
    "hang": ("X", "#c44e52"), "stall": ("v", "#dd8452"), "missing_tlast": ("s", "#8172b3"),
    "extra_words": ("D", "#937860"), "bus_error": ("P", "#da8bc3"), "corrupt": ("*", "#8c8c8c"),
    "corrupt_output": ("*", "#8c8c8c"), "early_tlast": ("^", "#ccb974"), "drift": ("o", "#64b5cd"),
}


def plot_campaign_timeline(trace, threshold_ns, deadline_ns=None):
    calls = np.array([r["call"] for r in trace])
    latency_us = np.array([max(float(r["latency_ns"]), 1.0) for r in trace]) / 1e3
    fig, ax = plt.subplots(figsize=(12, 5))
    ax.scatter(calls, latency_us, s=4, color="#b0b0b0", label="call", zorder=1, rasterized=True)
    kinds = sorted({r["fault"] for r in trace if r["fault"]})
    for kind in kinds:
        marker, colour = FAULT_STYLE.get(kind, ("o", "#55a868"))
        picked = [i for i, r in enumerate(trace) if r["fault"] == kind]
        ax.scatter(calls[picked], latency_us[picked], marker=marker, s=60, color=colour,
                   edgecolors="black", linewidths=0.5, label=f"fault: {kind}", zorder=3)
    recovered = [i for i, r in enumerate(trace) if r["recovered"]]
    if recovered:
        ax.scatter(calls[recovered], latency_us[recovered], marker="o", s=180, facecolors="none",
                   edgecolors="#2ca02c", linewidths=1.5, label="recovered (ring)", zorder=4)
    # Answers that differ from the fault-free one (traces that record it: "correct" false).
    silent = [i for i, r in enumerate(trace) if r.get("correct") is False and not r["lost"]]
    if silent:
        ax.scatter(calls[silent], latency_us[silent], marker="D", s=90, facecolors="none", edgecolors="black",
                   linewidths=1.5, label="silent corruption (wrong answer delivered)", zorder=5)
    lost = [i for i, r in enumerate(trace) if r["lost"]]
    if lost:
        ax.scatter(calls[lost], latency_us[lost], marker="x", s=70, color="black", label="input lost", zorder=5)
    ax.axhline(threshold_ns / 1e3, color="#c44e52", linestyle="--", linewidth=1.5,
               label=f"threshold {threshold_ns / 1e3:,.1f} µs")
    if deadline_ns:
        ax.axhline(deadline_ns / 1e3, color="black", linestyle=":", linewidth=1,
                   label=f"deadline {deadline_ns / 1e3:,.1f} µs")
    ax.set_yscale("log")
    _plain_log_axis(ax.yaxis)
    ax.set_xlabel("call (index in the campaign)")
    ax.set_ylabel("latency (µs, log scale)")
    policy = trace[0].get("policy", "")
    ax.set_title(f"Fault campaign: latency of every call (policy {policy}), faults and recoveries")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return _png(fig)


def plot_layer_cycles(est):
    layers = est["layers"]
    names = [f"{layer['name']}\n{layer['ops']}" if layer["ops"] else layer["name"] for layer in layers]
    cycles = [layer["cycles"] for layer in layers]
    fig, ax = plt.subplots(figsize=(11, 0.7 * len(layers) + 1.8))
    bottleneck = int(np.argmax(cycles)) if cycles else -1
    colours = ["#c44e52" if i == bottleneck else "#4c72b0" for i in range(len(layers))]
    y = np.arange(len(layers))
    ax.barh(y, cycles, color=colours)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    for i, value in enumerate(cycles):
        ax.text(value, i, f" {value:,}", va="center", fontsize=8)
    ax.set_xlim(0, max(cycles, default=1) * 1.22)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    fps = est["fps"]
    fps_text = f"{fps:,.1f} frames/s" if fps else "n/a"
    ax.set_title(f"Cycles per frame by layer (estimate; bottleneck in red; {fps_text} at "
                 f"{est['clock_mhz']:g} MHz, estimate)")
    ax.set_xlabel("cycles per frame (estimate)")
    ax.set_ylabel("layer")
    return _png(fig)


def plot_resources(est):
    keys = ["lut", "ff", "bram18", "dsp"]
    layers = est["layers"]
    fig, ax = plt.subplots(figsize=(11, 4))
    y = np.arange(len(keys))
    palette = plt.get_cmap("tab10")
    left = np.zeros(len(keys))
    for index, layer in enumerate(layers):
        shares = np.array([100.0 * (layer[k] or 0) / est["budget"][k] for k in keys])
        ax.barh(y, shares, left=left, color=palette(index % 10), label=layer["name"])
        left += shares
    labels = []
    for i, k in enumerate(keys):
        total, budget = est["totals"][k], est["budget"][k]
        if total is None:
            text = f"not estimated (budget {budget:,.0f})"
        else:
            text = f"{total:,.0f} / {budget:,.0f} ({100.0 * total / budget:.1f} %) estimate"
        ax.text(max(left[i], 0) + 1, i, text, va="center", fontsize=9)
        labels.append(RESOURCE_LABELS[k])
    ax.axvline(100, color="black", linestyle="--", linewidth=1.5, label=f"{est['device']} budget (100 %)")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(110.0, float(left.max()) * 1.1))
    ax.set_xlabel(f"share of the {est['device']} budget (%, estimate)")
    ax.set_ylabel("resource")
    ax.set_title(f"Resources by layer against the {est['device']} budget (estimate)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _png(fig)


# ----------------------------------------------------------------------------- HTML
CSS = """
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1250px;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #4c72b0; padding-bottom: 3px; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.95em; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef2f8; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; font-size: 0.9em; }
.warning { background: #fbe3e4; border: 2px solid #c44e52; padding: 10px; font-weight: bold; }
"""


def _esc(value):
    return html.escape(str(value))


def _fmt(value, digits=4):
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:,.{digits if abs(value) < 100 else 1}f}"
    return str(value)


def _whole(value):
    """Resource counts as integers when they are whole (8.0 BRAM18 -> 8), else as given."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _table(rows, header=None):
    out = ["<table>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{_esc(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        cells = []
        for cell in row:
            numeric = isinstance(cell, (int, float)) and not isinstance(cell, bool)
            cells.append(f"<td class=\"num\">{_esc(_fmt(cell))}</td>" if numeric else f"<td>{_esc(_fmt(cell))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _img(uri, alt):
    return f'<img src="{uri}" alt="{_esc(alt)}">'


def summary_rows(summary):
    """(label, value) rows of the summary table; every value from summary.json."""
    where = "summary.json"
    rows = [
        ("test images", int(_need(summary, "images", where))),
        ("accuracy, float32 model (onnxruntime)", float(_need(summary, "accuracy_float", where))),
        ("accuracy, int8 accelerator (virtual board)", float(_need(summary, "accuracy_accelerator", where))),
        ("faults injected (campaign)", int(_need(summary, "faults_injected", where))),
        ("faults detected", int(_need(summary, "faults_detected", where))),
        ("faults recovered", int(_need(summary, "faults_recovered", where))),
        ("inputs lost", int(_need(summary, "lost_inputs", where))),
        ("throughput on the virtual board (images/s, host time)", float(_need(summary, "throughput_images_per_s", where))),
        ("modeled latency per image (ms, estimate)", float(_need(summary, "modeled_latency_ms", where))),
    ]
    optional = [
        ("accuracy at training (PyTorch)", "accuracy_torch_reference"),
        ("predictions equal, float vs accelerator", "agreement_float_accelerator"),
        ("frames/s at the PL clock (estimate)", "fps_estimate"),
        ("silent corruptions (campaign)", "silent_corruptions"),
        ("campaign calls", "campaign_calls"),
        ("campaign policy summarized", "campaign_policy"),
        ("accelerator call failures in the accuracy run", "accelerator_failures"),
    ]
    for label, key in optional:
        if key in summary:
            rows.append((label, summary[key]))
    return rows


def campaign_rows(campaign):
    rows = []
    for name, p in _need(campaign, "policies", "campaign.json").items():
        faults = p.get("faults", {})
        injected = sum(int(f.get("injected", 0)) for f in faults.values())
        detected = sum(int(f.get("detected", 0)) for f in faults.values())
        recovered = sum(int(f.get("recovered", 0)) for f in faults.values())
        rows.append((name, injected, detected, recovered, int(p.get("lost", 0)),
                     int(p.get("silent_corruptions", 0)), int(p.get("false_positives", 0)),
                     float(p.get("availability", float("nan")))))
    return rows


def fault_kind_rows(policy):
    return [(kind, int(t.get("injected", 0)), int(t.get("detected", 0)), int(t.get("recovered", 0)))
            for kind, t in sorted(policy.get("faults", {}).items())]


def build_html(data):
    """The report page from the loaded data (see load_data); raises ReportDataError."""
    summary, campaign, trace = data["summary"], data["campaign"], data["campaign_trace"]
    est = normalize_estimate(data["estimate"])
    latency = data["latency"]
    policies = _need(campaign, "policies", "campaign.json")
    policy_name = summary.get("campaign_policy") or trace[0]["policy"]
    if policy_name not in policies:
        raise ReportDataError(f"campaign.json: no policy '{policy_name}' (summary.json campaign_policy)")
    trace = [r for r in trace if r["policy"] == policy_name]
    if not trace:
        raise ReportDataError(f"campaign_trace.jsonl: no call of policy '{policy_name}'")
    policy = policies[policy_name]
    threshold_ns = float(policy.get("final_threshold_ns", _need(policy, "threshold_ns", f"campaign.json policies.{policy_name}")))

    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>zynqnn demo report</title>", f"<style>{CSS}</style></head><body>"]
    parts.append("<h1>zynqnn demo: Fashion-MNIST CNN on a PYNQ-Z1 accelerator</h1>")
    origin = summary.get("data_origin")
    if origin != "demo":
        parts.append(f'<p class="warning">These figures are not from a demo run (data_origin: {_esc(origin)}).</p>')
    parts.append(f"<p class=\"note\">Model {_esc(summary.get('model', '?'))}, compiled in "
                 f"{_esc(summary.get('precision', 'int8'))} for {_esc(summary.get('board', 'pynq-z1'))}; "
                 f"run on the virtual board. Cycles and resources are analytical estimates, not synthesis results.</p>")

    parts.append('<section id="summary"><h2>Summary</h2>')
    parts.append(_table(summary_rows(summary), ["quantity", "value"]))
    parts.append("</section>")

    parts.append('<section id="accuracy"><h2>Accuracy: float model vs accelerator</h2>')
    parts.append(_img(plot_accuracy(summary), "accuracy float vs accelerator"))
    parts.append("</section>")

    parts.append('<section id="confusion"><h2>Confusion matrix (accelerator)</h2>')
    parts.append(_img(plot_confusion(data["confusion"]), "confusion matrix"))
    parts.append("</section>")

    parts.append('<section id="latency"><h2>Call latency and the calibrated threshold</h2>')
    parts.append(_img(plot_latency_histogram(latency), "latency histogram"))
    parts.append(f"<p class=\"note\">Clock: {_esc(latency.get('clock', 'board clock'))}. Threshold from "
                 f"{_esc(latency.get('calibration_file', 'the calibration'))}.</p>")
    parts.append("</section>")

    parts.append('<section id="campaign"><h2>Fault campaign</h2>')
    parts.append(f"<p class=\"note\">{_fmt(int(campaign.get('calls', 0)))} calls per policy, seed "
                 f"{_esc(campaign.get('seed', '?'))}, target: {_esc(campaign.get('target', '?'))}.</p>")
    parts.append(_table(campaign_rows(campaign), ["policy", "faults injected", "detected", "recovered", "inputs lost",
                                                 "silent corruptions", "false positives", "availability"]))
    parts.append(f"<p>Faults by kind, policy <b>{_esc(policy_name)}</b>:</p>")
    parts.append(_table(fault_kind_rows(policy), ["fault kind", "injected", "detected", "recovered"]))
    parts.append(_img(plot_campaign_timeline(trace, threshold_ns, policy.get("deadline_ns")), "campaign timeline"))
    parts.append("</section>")

    parts.append('<section id="layers"><h2>Per-layer cycles (estimate)</h2>')
    parts.append(_img(plot_layer_cycles(est), "per-layer cycles"))
    layer_rows = [(l["name"], l["ops"], l["pe"], l["simd"], l["cycles"], _whole(l["lut"]), _whole(l["ff"]),
                   _whole(l["bram18"]), _whole(l["dsp"])) for l in est["layers"]]
    totals, budget = est["totals"], est["budget"]
    layer_rows.append(("total (cycles: latency)", "", None, None, est["latency_cycles"], _whole(totals["lut"]),
                       _whole(totals["ff"]), _whole(totals["bram18"]), _whole(totals["dsp"])))
    layer_rows.append((f"{est['device']} budget", "", None, None, None, _whole(budget["lut"]), _whole(budget["ff"]),
                       _whole(budget["bram18"]), _whole(budget["dsp"])))
    parts.append(_table(layer_rows, ["layer", "operators", "PE", "SIMD", "cycles/frame (estimate)", "LUT (estimate)",
                                     "FF (estimate)", "BRAM18 (estimate)", "DSP (estimate)"]))
    parts.append(f"<p class=\"note\">Interval {est['interval_cycles']:,} cycles, latency {est['latency_cycles']:,} "
                 f"cycles at {est['clock_mhz']:g} MHz (estimates). — means the estimator gives no figure.</p>")
    parts.append("</section>")

    parts.append('<section id="resources"><h2>Resources against the XC7Z020 budget (estimate)</h2>')
    parts.append(_img(plot_resources(est), "resources against the budget"))
    parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(data_dir, out_path):
    data = load_data(data_dir)
    page = build_html(data)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_suffix(out_path.suffix + ".tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, out_path)  # a reader never sees half a page
    return out_path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m zynqnn.report", description="Builds the demo's HTML report.")
    parser.add_argument("--data", required=True, type=Path, help="folder with the demo's JSON files")
    parser.add_argument("--out", required=True, type=Path, help="report.html to write")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.data, args.out)
    except ReportDataError as e:
        print(f"report: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
