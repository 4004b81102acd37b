"""The report of a compiled model: one self-contained HTML page (inline CSS, plots as PNG data
URIs, no external asset) for any output folder of ``zynqnn compile model.onnx OUT``.

    zynqnn.report("OUT")                                # writes OUT/report.html
    zynqnn.report("OUT", data="DIR", html_path="FILE")  # with measurements

(``python -m zynqnn.write_report OUT [--data DIR] [--out FILE]`` from a shell.)

From the compiled folder: the model, the board, where every ONNX node runs (PL or PS), the
estimate per layer (cycles, LUT, FF, BRAM18, DSP; layers named by their ONNX nodes) and the
next step, the build for the board. From the data folder, when given (docs/demo.md describes
each file; the demo writes all of them): summary.json (accuracy of the float model and the
accelerator), confusion.json, latency.json, campaign.json and campaign_trace.jsonl. A section
whose file is absent says that it was not measured.

Needs NumPy and matplotlib only, not the native library.
"""
import html
import math
import os
from pathlib import Path

if __package__:
    from . import report_plots as plots
    from .report_data import (RESOURCES, ReportDataError, layer_title, load_compiled, load_measurements,
                              need)
else:  # run as a file: no package, no native library
    import report_plots as plots
    from report_data import RESOURCES, ReportDataError, layer_title, load_compiled, load_measurements, need

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
pre { background: #f4f4f4; padding: 8px; overflow-x: auto; }
.note { color: #555; font-size: 0.9em; }
.not-measured { color: #555; font-style: italic; }
.warning { background: #fbe3e4; border: 2px solid #c44e52; padding: 10px; font-weight: bold; }
"""

RESOURCE_HEADERS = {"lut": "LUT", "ff": "FF", "bram18": "BRAM18 (18 Kb halves)", "dsp": "DSP"}

# summary.json fields shown in the measured summary, in this order, when present.
SUMMARY_LABELS = (
    ("images", "inputs run"),
    ("accuracy_float", "accuracy, float32 model (onnxruntime)"),
    ("accuracy_accelerator", "accuracy, accelerator (virtual board)"),
    ("accuracy_torch_reference", "accuracy at training (PyTorch)"),
    ("agreement_float_accelerator", "predictions equal, float vs accelerator"),
    ("accelerator_failures", "accelerator call failures in the accuracy run"),
    ("throughput_images_per_s", "throughput on the virtual board (inputs/s, host time)"),
    ("modeled_latency_ms", "modeled latency per input (ms, estimate)"),
    ("fps_estimate", "frames/s at the PL clock (estimate)"),
    ("faults_injected", "faults injected (campaign)"),
    ("faults_detected", "faults detected"),
    ("faults_recovered", "faults recovered"),
    ("lost_inputs", "inputs lost"),
    ("silent_corruptions", "silent corruptions (campaign)"),
    ("campaign_calls", "campaign calls"),
    ("campaign_policy", "campaign policy summarized"),
)


# ----------------------------------------------------------------------------- HTML pieces
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
        # Trailing zeros dropped: 0.5 BRAM18 stays 0.5, 8.0 reads 8.
        return f"{value:,.{digits if abs(value) < 100 else 1}f}".rstrip("0").rstrip(".")
    return str(value)


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


def _section(anchor, title, body):
    return f'<section id="{anchor}"><h2>{_esc(title)}</h2>\n' + "\n".join(body) + "\n</section>"


def _not_measured(what, needs):
    return f'<p class="not-measured">Not measured: {_esc(what)}. It needs {needs} in the data folder (--data DIR).</p>'


# ----------------------------------------------------------------------------- compiled folder
def _streams(values):
    return ", ".join(f"{v.get('name', '?')} {v.get('dtype', '')} {v.get('shape', '')}" for v in values) or "—"


def overview_rows(compiled):
    manifest, plan, network = compiled["manifest"], compiled["plan"] or {}, compiled["network"] or {}
    rows = [("compiled folder", str(compiled["folder"])),
            ("model", plan.get("model", "—")),
            ("kernel", manifest.get("kernel", "—")),
            ("precision", network.get("precision", plan.get("precision", "—"))),
            ("board", f"{manifest.get('board', '—')} ({manifest.get('part', 'part not given')})"),
            ("PL clock (MHz)", manifest.get("clock_mhz"))]
    if network:
        rows += [("model inputs", _streams(network.get("inputs", []))),
                 ("model outputs", _streams(network.get("outputs", [])))]
    if plan:
        nodes = sum(len(layer.get("nodes", [])) for layer in plan.get("pl_layers", []))
        rows.append(("on the PL", f"{len(plan.get('pl_layers', []))} layers from {nodes} ONNX nodes"))
        for key, label in (("ps_before_pl", "on the PS (CPU), before the PL"), ("ps_after_pl", "on the PS (CPU), after the PL")):
            ops = plan.get(key, [])
            rows.append((label, ", ".join(f"{op.get('node', op)} ({op.get('op', '?')})" if isinstance(op, dict)
                                          else str(op) for op in ops) or "nothing"))
    return rows


def estimate_section(est):
    if est is None:
        return _section("layers", "Per-layer cycles (estimate)", [
            '<p class="not-measured">Not estimated: this folder has no plan.json with an estimate (a folder of '
            '`zynqnn generate` rather than `zynqnn compile`).</p>'])
    key_rows = [("interval (cycles per frame, the bottleneck layer's)", est["interval_cycles"]),
                (f"frames/s at {est['clock_mhz']:g} MHz", est["fps"]),
                ("latency of one frame (cycles)", est["latency_cycles"]),
                ("latency of one frame (ms)", est["latency_cycles"] / est["clock_mhz"] / 1e3),
                (f"fits the {est['device']}", est["fits"])]
    layer_rows = [(layer_title(l, limit=len(l["nodes"])), l["ops"], l["name"], l["pe"], l["simd"], l["cycles"],
                   *(l[k] for k in RESOURCES)) for l in est["layers"]]
    layer_rows.append(("total (cycles: latency)", "", "", None, None, est["latency_cycles"],
                       *(est["totals"][k] for k in RESOURCES)))
    layer_rows.append((f"{est['device']} budget", "", "", None, None, None, *(est["budget"][k] for k in RESOURCES)))
    header = ["layer (ONNX nodes)", "operators", "HLS layer", "PE", "SIMD", "cycles/frame (estimate)"]
    header += [f"{RESOURCE_HEADERS[k]} (estimate)" for k in RESOURCES]
    return _section("layers", "Per-layer cycles and resources (estimate)", [
        '<p class="note">Analytical estimates (the figures <code>zynqnn estimate OUT --json</code> prints), not '
        'synthesis results. BRAM is counted in BRAM18 halves, as Vitis HLS reports it (two make one BRAM36 '
        'tile of Vivado\'s utilization report). — means the estimator gives no figure.</p>',
        _table(key_rows, ["quantity", "estimate"]),
        _img(plots.plot_layer_cycles(est), "per-layer cycles"),
        _table(layer_rows, header)])


def resources_section(est):
    if est is None:
        return _section("resources", "Resources (estimate)", ['<p class="not-measured">Not estimated.</p>'])
    return _section("resources", f"Resources against the {est['device']} budget (estimate)", [
        _img(plots.plot_resources(est), "resources against the budget")])


def next_step_section(compiled):
    folder = compiled["folder"]
    kernel = compiled["manifest"].get("kernel", "kernel")
    built = compiled["built"]
    bitstream = built.get("bitstream", (f"vivado/{kernel}.bit", False))
    hwh = built.get("hwh", (f"vivado/{kernel}.hwh", False))
    body = []
    if bitstream[1] and hwh[1]:
        body.append(f"<p>{_esc(bitstream[0])} and {_esc(hwh[0])} are in the folder: built outside this report, "
                    f"which has not checked them.</p>")
    else:
        body.append(f"<p><b>Vitis HLS and Vivado have not been run on this folder</b>: there is no {_esc(bitstream[0])} "
                    f"yet. Everything above ran on the virtual board or comes from the analytical estimate.</p>")
    body.append(_table([(path, purpose, "yes" if exists else "no") for path, purpose, exists in compiled["scripts"]],
                       ["build script", "what it does", "in the folder"]))
    if any(exists for _, _, exists in compiled["scripts"]):
        body.append(f"<p>On a machine with Vitis HLS and Vivado (source the Xilinx settings64.sh first):</p>"
                    f"<pre>sh {_esc(folder / 'vivado' / 'build.sh')}\n# or step by step:\n"
                    f"(cd {_esc(folder / 'hls')} &amp;&amp; vitis-run --mode hls --tcl run_hls.tcl) &amp;&amp; "
                    f"(cd {_esc(folder / 'vivado')} &amp;&amp; vivado -mode batch -source build_bd.tcl)</pre>")
    body.append(f"<p>Then on the board, with the folder copied there:</p><pre>import zynqnn\n"
                f"acc = zynqnn.Accelerator(\"{_esc(folder)}\", board=\"{_esc(folder / hwh[0])}\")</pre>")
    return _section("next-step", "Next step: build for the board", body)


# ----------------------------------------------------------------------------- measurements
def summary_section(summary, data_dir):
    if summary is None:
        return _section("summary", "Measured summary", [_not_measured("no run of the model was recorded",
                                                                      "<code>summary.json</code>")])
    rows = [(label, summary[key]) for key, label in SUMMARY_LABELS if key in summary]
    return _section("summary", "Measured summary", [f'<p class="note">From {_esc(data_dir)}.</p>',
                                                    _table(rows, ["quantity", "value"])])


def accuracy_section(summary):
    if summary is None or "accuracy_accelerator" not in summary or "accuracy_float" not in summary:
        return _section("accuracy", "Accuracy: float model vs accelerator", [_not_measured(
            "the accuracy of the float model and the accelerator was not given",
            "<code>summary.json</code> with <code>accuracy_float</code> and <code>accuracy_accelerator</code>")])
    points = plots.accuracy_points(summary)
    float_accuracy = points[-2][1]
    images = summary.get("images")
    # Counts only for this run's two models: PyTorch's figure may come from other inputs.
    rows = [(label, value, None if images is None or label not in dict(points[-2:]) else round(value * images),
             f"{(value - float_accuracy) * 100:+.2f}") for label, value in points]
    return _section("accuracy", "Accuracy: float model vs accelerator", [
        _table(rows, ["model", "accuracy", "correct (count)", "difference to the float model (points)"]),
        _img(plots.plot_accuracy(summary), "accuracy float vs accelerator"),
        '<p class="note">The axis is zoomed on the values: a difference of a few inputs would vanish on a '
        '0–100 % axis.</p>'])


def confusion_section(confusion):
    if confusion is None:
        return _section("confusion", "Confusion matrix (accelerator)", [_not_measured(
            "no confusion matrix was given", "<code>confusion.json</code>")])
    return _section("confusion", "Confusion matrix (accelerator)", [_img(plots.plot_confusion(confusion),
                                                                         "confusion matrix")])


def latency_caption(view):
    spread = view["max_us"] - view["min_us"]
    text = (f"{view['calls']:,} calls from {view['min_us']:,.3f} to {view['max_us']:,.3f} µs (spread "
            f"{spread * 1e3:,.0f} ns, median {view['median_us']:,.3f} µs), in bins of {view['bin_us'] * 1e3:,.4g} ns "
            f"on the {view['clock']}.")
    if spread == 0:
        text += " Every call took the same modeled time."
    if view["threshold_us"] is not None:
        text += (f" The watchdog's calibrated threshold is {view['threshold_us']:,.1f} µs "
                 f"({view['threshold_us'] / view['median_us']:.2f} × the median).")
    return text


def latency_section(latency):
    if latency is None:
        return _section("latency", "Call latency", [_not_measured("no call latencies were recorded",
                                                                  "<code>latency.json</code>")])
    view = plots.describe_latency(latency)
    return _section("latency", "Call latency and the calibrated threshold", [
        _img(plots.plot_latency_histogram(view), "latency histogram"),
        f'<p class="note">{_esc(latency_caption(view))}</p>'])


def campaign_rows(campaign):
    rows = []
    for name, p in need(campaign, "policies", "campaign.json").items():
        faults = p.get("faults", {})
        rows.append((name, *(sum(int(f.get(k, 0)) for f in faults.values()) for k in ("injected", "detected", "recovered")),
                     int(p.get("lost", 0)), int(p.get("silent_corruptions", 0)), int(p.get("false_positives", 0)),
                     float(p.get("availability", float("nan")))))
    return rows


def campaign_section(campaign, trace, summary):
    if campaign is None:
        return _section("campaign", "Fault campaign", [_not_measured(
            "no fault campaign was run", "<code>campaign.json</code> (and <code>campaign_trace.jsonl</code>)")])
    policies = need(campaign, "policies", "campaign.json")
    policy_name = (summary or {}).get("campaign_policy") or (trace[0]["policy"] if trace else next(iter(policies), None))
    if policy_name not in policies:
        raise ReportDataError(f"campaign.json: no policy '{policy_name}' (summary.json campaign_policy)")
    policy = policies[policy_name]
    body = [f"<p class=\"note\">{_fmt(int(campaign.get('calls', 0)))} calls per policy, seed "
            f"{_esc(campaign.get('seed', '?'))}, target: {_esc(campaign.get('target', '?'))}.</p>",
            _table(campaign_rows(campaign), ["policy", "faults injected", "detected", "recovered", "inputs lost",
                                             "silent corruptions", "false positives", "availability"]),
            f"<p>Faults by kind, policy <b>{_esc(policy_name)}</b>:</p>",
            _table([(kind, int(t.get("injected", 0)), int(t.get("detected", 0)), int(t.get("recovered", 0)))
                    for kind, t in sorted(policy.get("faults", {}).items())],
                   ["fault kind", "injected", "detected", "recovered"])]
    calls = [r for r in trace or [] if r["policy"] == policy_name]
    if trace is not None and not calls:
        raise ReportDataError(f"campaign_trace.jsonl: no call of policy '{policy_name}'")
    if calls:
        threshold_ns = float(policy.get("final_threshold_ns",
                                        need(policy, "threshold_ns", f"campaign.json policies.{policy_name}")))
        body.append(_img(plots.plot_campaign_timeline(calls, threshold_ns, policy.get("deadline_ns")),
                         "campaign timeline"))
    else:
        body.append('<p class="not-measured">No per-call trace (campaign_trace.jsonl): no timeline.</p>')
    return _section("campaign", "Fault campaign", body)


# ----------------------------------------------------------------------------- the page
def build_html(compiled, data, data_dir=None):
    """The page from ``load_compiled`` and ``load_measurements``; raises ReportDataError."""
    manifest, plan = compiled["manifest"], compiled["plan"] or {}
    summary = data["summary"]
    title = f"zynqnn report: {manifest.get('kernel', 'kernel')} ({plan.get('model', 'model')}) " \
            f"for {manifest.get('board', 'the board')}"
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>{_esc(title)}</title>", f"<style>{CSS}</style></head><body>", f"<h1>{_esc(title)}</h1>"]
    origin = (summary or {}).get("data_origin")
    if origin is not None and origin != "demo":
        parts.append(f'<p class="warning">These measurements are not from a demo run (data_origin: {_esc(origin)}).</p>')
    parts.append('<p class="note">Cycles and resources are analytical estimates, not synthesis results; '
                 'measurements, where given, come from the virtual board.</p>')
    parts.append(_section("overview", "The compiled model", [_table(overview_rows(compiled), ["", ""])]))
    parts.append(estimate_section(compiled["estimate"]))
    parts.append(resources_section(compiled["estimate"]))
    parts.append(summary_section(summary, data_dir))
    parts.append(accuracy_section(summary))
    parts.append(confusion_section(data["confusion"]))
    parts.append(latency_section(data["latency"]))
    parts.append(campaign_section(data["campaign"], data["campaign_trace"], summary))
    parts.append(next_step_section(compiled))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def report(out_dir, data=None, html_path=None):
    """Writes the report of the compiled folder ``out_dir`` (with the measurements of the folder
    ``data``, when given) to ``html_path`` (default: ``out_dir/report.html``); returns its path.
    Raises ReportDataError for a folder that is not compiled or a malformed file."""
    page = build_html(load_compiled(out_dir), load_measurements(data), data)
    out_path = Path(html_path) if html_path is not None else Path(out_dir) / "report.html"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_suffix(out_path.suffix + ".tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, out_path)  # a reader never sees half a page
    return out_path
