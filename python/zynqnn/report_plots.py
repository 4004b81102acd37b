"""The report's plots, each returned as a PNG data URI (the page embeds them; nothing external).

matplotlib is imported at the first plot, and figures are made without pyplot: ``import
zynqnn`` works on a board without matplotlib, and a notebook's backend is left as it is."""
import base64
import io
import math

import numpy as np

if __package__:
    from .report_data import RESOURCES, ReportDataError, layer_title, need
else:  # the report run as a file: no package, no native library
    from report_data import RESOURCES, ReportDataError, layer_title, need

RESOURCE_LABELS = {"lut": "LUT", "ff": "FF", "bram18": "BRAM18", "dsp": "DSP48E1"}


def _figure(width, height):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("the report's plots need matplotlib: pip install 'zynqnn[report]' (or matplotlib)") from None
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _number_axis(axis, spec):
    """Tick labels as plain numbers in the format ``spec`` (",.0f": 225,792)."""
    from matplotlib.ticker import FuncFormatter
    axis.set_major_formatter(FuncFormatter(lambda value, _: format(value, spec)))


def _plain_log_axis(axis):
    """Log-scale ticks as plain numbers (1,000 rather than 10^3): easier to read off."""
    from matplotlib.ticker import LogLocator, NullFormatter
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    _number_axis(axis, ",.10g")
    axis.set_minor_formatter(NullFormatter())


# ----------------------------------------------------------------------------- accuracy
def accuracy_points(summary):
    """(label, accuracy) of every accuracy the summary gives, the accelerator's last."""
    points = []
    if summary.get("accuracy_torch_reference") is not None:
        points.append(("PyTorch at training", float(summary["accuracy_torch_reference"])))
    points.append(("float32 model (onnxruntime)", float(need(summary, "accuracy_float", "summary.json"))))
    points.append(("accelerator (virtual board)", float(need(summary, "accuracy_accelerator", "summary.json"))))
    return points


def accuracy_axis(values):
    """An axis zoomed on the values (in percent): a difference of a few images stays visible,
    where a 0-100 % axis would draw equal bars."""
    low, high = min(values) * 100, max(values) * 100
    pad = max(high - low, 0.2) * 0.6
    return max(low - pad, 0.0), min(high + pad, 100.0)


def plot_accuracy(summary):
    points = accuracy_points(summary)
    labels, values = [label for label, _ in points], [value for _, value in points]
    left, right = accuracy_axis(values)
    fig, ax = _figure(9, 0.8 * len(points) + 1.6)
    y = np.arange(len(points))
    colours = ["#8c8c8c"] * (len(points) - 2) + ["#4c72b0", "#dd8452"]
    ax.hlines(y, left, [v * 100 for v in values], color="#dddddd", linewidth=1)
    ax.scatter([v * 100 for v in values], y, s=90, color=colours, zorder=3)
    for i, value in enumerate(values):
        ax.annotate(f"{value * 100:.2f} %", (value * 100, i), textcoords="offset points", xytext=(0, 9),
                    ha="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, len(points) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(left, right)
    ax.set_xlabel(f"accuracy (% correct; axis zoomed to {left:.2f}–{right:.2f} %)")
    difference = (values[-1] - values[-2]) * 100
    images = summary.get("images")
    of_images = f" = {round(abs(difference) / 100 * images):,} of {images:,} images" if images else ""
    ax.set_title(f"Accuracy: accelerator − float model = {difference:+.2f} points{of_images}")
    return _png(fig)


def plot_confusion(confusion):
    matrix = np.asarray(need(confusion, "matrix", "confusion.json"), dtype=np.int64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ReportDataError(f"confusion.json: matrix must be square, got shape {matrix.shape}")
    n = matrix.shape[0]
    classes = confusion.get("classes", [str(i) for i in range(n)])
    if len(classes) != n:
        raise ReportDataError(f"confusion.json: {len(classes)} classes for a {n}x{n} matrix")
    fig, ax = _figure(max(5, 0.8 * n + 1), max(4.5, 0.7 * n + 1))
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(n), classes, rotation=40, ha="right")
    ax.set_yticks(range(n), classes)
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if matrix[i, j] > threshold else "black")
    ax.set_xlabel("predicted class (accelerator)")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix of the accelerator ({int(matrix.sum()):,} inputs)")
    fig.colorbar(image, ax=ax, label="inputs (count)", fraction=0.046, pad=0.04)
    return _png(fig)


# ----------------------------------------------------------------------------- latency
def latency_bin_edges(samples_ns):
    """Histogram bin edges (ns) over the samples' own spread, whatever the threshold: calls a
    few nanoseconds apart still get bars of their own. Latencies are whole nanoseconds, so no
    bin is narrower than 1 ns; two empty bins on each side show where the distribution ends."""
    samples = np.asarray(samples_ns, dtype=np.float64)
    low, high = float(samples.min()), float(samples.max())
    count = int(np.clip(len(np.histogram_bin_edges(samples, bins="auto")) - 1, 10, 60))
    width = max((high - low) / count, 1.0)
    bins = math.ceil((high - low) / width) + 1 + 4
    return low - 2.5 * width + width * np.arange(bins + 1)


def describe_latency(latency):
    """The latency samples and what the histogram and its caption say of them (µs)."""
    samples_ns = np.asarray(need(latency, "samples_ns", "latency.json"), dtype=np.float64)
    if samples_ns.size == 0:
        raise ReportDataError("latency.json: samples_ns is empty")
    edges = latency_bin_edges(samples_ns)
    threshold = latency.get("threshold_ns")
    return {"samples_us": samples_ns / 1e3, "edges_us": edges / 1e3, "calls": int(samples_ns.size),
            "min_us": samples_ns.min() / 1e3, "max_us": samples_ns.max() / 1e3,
            "median_us": float(np.median(samples_ns)) / 1e3, "bin_us": (edges[1] - edges[0]) / 1e3,
            "threshold_us": None if threshold is None else float(threshold) / 1e3,
            "clock": latency.get("clock", "board clock")}


def plot_latency_histogram(view):
    fig, ax = _figure(10, 4.5)
    edges = view["edges_us"]
    ax.hist(view["samples_us"], bins=edges, color="#4c72b0", label=f"{view['calls']:,} calls")
    ax.set_xlim(edges[0], edges[-1])
    ax.axvline(view["median_us"], color="black", linestyle=":", label=f"median {view['median_us']:,.3f} µs")
    threshold = view["threshold_us"]
    if threshold is not None and edges[0] <= threshold <= edges[-1]:
        ax.axvline(threshold, color="#c44e52", linestyle="--", linewidth=2,
                   label=f"calibrated threshold {threshold:,.1f} µs")
    elif threshold is not None:
        side = "right" if threshold > edges[-1] else "left"
        ax.annotate(f"calibrated threshold {threshold:,.1f} µs\n({threshold / view['median_us']:.2f} × the median), "
                    f"off to the {side}", xy=(1.0 if side == "right" else 0.0, 0.6), xycoords="axes fraction",
                    ha=side, color="#c44e52", fontsize=9)
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.8)  # bars rise from below one call, not from the smallest count
    _plain_log_axis(ax.yaxis)
    _number_axis(ax.xaxis, ",.3f")
    ax.set_xlabel(f"call latency (µs, {view['clock']}; bins of {view['bin_us'] * 1e3:,.4g} ns)")
    ax.set_ylabel("calls (count, log scale)")
    spread = (f"{view['min_us']:,.3f} to {view['max_us']:,.3f} µs" if view["max_us"] > view["min_us"]
              else f"all took {view['min_us']:,.3f} µs (no spread)")
    ax.set_title(f"Latency of the accelerator calls: {spread}")
    ax.legend(loc="upper left")
    return _png(fig)


# ----------------------------------------------------------------------------- campaign
FAULT_STYLE = {  # kind -> (marker, colour)
    "hang": ("X", "#c44e52"), "stall": ("v", "#dd8452"), "missing_tlast": ("s", "#8172b3"),
    "extra_words": ("D", "#937860"), "bus_error": ("P", "#da8bc3"), "corrupt": ("*", "#8c8c8c"),
    "corrupt_output": ("*", "#8c8c8c"), "early_tlast": ("^", "#ccb974"), "drift": ("o", "#64b5cd"),
}


def plot_campaign_timeline(trace, threshold_ns, deadline_ns=None):
    calls = np.array([r["call"] for r in trace])
    latency_us = np.array([max(float(r["latency_ns"]), 1.0) for r in trace]) / 1e3
    fig, ax = _figure(12, 5)
    ax.scatter(calls, latency_us, s=4, color="#b0b0b0", label="call", zorder=1, rasterized=True)
    for kind in sorted({r["fault"] for r in trace if r["fault"]}):
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
    ax.set_title(f"Fault campaign: latency of every call (policy {trace[0].get('policy', '')}), "
                 f"faults and recoveries")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return _png(fig)


# ----------------------------------------------------------------------------- estimate
def plot_layer_cycles(est):
    layers = est["layers"]
    names = [f"{layer_title(layer)}\n{layer['ops']}" if layer["ops"] else layer_title(layer) for layer in layers]
    cycles = [layer["cycles"] for layer in layers]
    fig, ax = _figure(11, 0.7 * len(layers) + 1.8)
    bottleneck = int(np.argmax(cycles)) if cycles else -1
    colours = ["#c44e52" if i == bottleneck else "#4c72b0" for i in range(len(layers))]
    y = np.arange(len(layers))
    ax.barh(y, cycles, color=colours)
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    for i, value in enumerate(cycles):
        ax.text(value, i, f" {value:,}", va="center", fontsize=8)
    ax.set_xlim(0, max(cycles, default=1) * 1.22)
    _number_axis(ax.xaxis, ",.0f")
    fps = est["fps"]
    fps_text = f"{fps:,.1f} frames/s" if fps else "n/a"
    ax.set_title(f"Cycles per frame by layer (estimate; bottleneck in red; {fps_text} at {est['clock_mhz']:g} MHz)")
    ax.set_xlabel("cycles per frame (estimate)")
    ax.set_ylabel("layer (ONNX nodes)")
    return _png(fig)


def plot_resources(est):
    layers = est["layers"]
    fig, ax = _figure(11, 4)
    y = np.arange(len(RESOURCES))
    from matplotlib import colormaps
    palette = colormaps["tab10"]
    left = np.zeros(len(RESOURCES))
    for index, layer in enumerate(layers):
        shares = np.array([100.0 * (layer[k] or 0) / est["budget"][k] for k in RESOURCES])
        ax.barh(y, shares, left=left, color=palette(index % 10), label=layer_title(layer))
        left += shares
    for i, key in enumerate(RESOURCES):
        total, budget = est["totals"][key], est["budget"][key]
        if total is None:
            text = f"not estimated (budget {budget:,.0f})"
        else:
            text = f"{total:,.4g} / {budget:,.0f} ({100.0 * total / budget:.1f} %) estimate"
        ax.text(max(left[i], 0) + 1, i, text, va="center", fontsize=9)
    ax.axvline(100, color="black", linestyle="--", linewidth=1.5, label=f"{est['device']} budget (100 %)")
    ax.set_yticks(y, [RESOURCE_LABELS[k] for k in RESOURCES])
    ax.invert_yaxis()
    ax.set_xlim(0, max(110.0, float(left.max()) * 1.1))
    ax.set_xlabel(f"share of the {est['device']} budget (%, estimate; BRAM in 36 Kb blocks)")
    ax.set_ylabel("resource")
    ax.set_title(f"Resources by layer against the {est['device']} budget (estimate)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _png(fig)
