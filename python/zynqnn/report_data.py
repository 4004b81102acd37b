"""What the report reads: a compiled output folder (``zynqnn compile model.onnx OUT``) and,
optionally, a folder of measurements (the demo's JSON files, or one's own in their format).

A compiled folder gives the model, the board, the placement of every ONNX node (PL or PS), the
estimate (``plan.json``'s, the figures ``zynqnn estimate OUT --json`` prints) and the build
scripts. Measurements are optional file by file: an absent file is a section "not measured";
a present but malformed one is a ``ReportDataError`` naming the file and the field.

Plain Python: it needs neither NumPy nor the native library.
"""
import json
from pathlib import Path

# The XC7Z020 (PYNQ-Z1/Z2). BRAM is counted in BRAM18 halves, the unit of Vitis HLS's reports
# and of every zynqnn estimate: 280 on this device (= 140 BRAM36 blocks).
XC7Z020_BUDGET = {"lut": 53200, "ff": 106400, "bram18": 280, "dsp": 220}
RESOURCES = ("lut", "ff", "bram18", "dsp")

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

MEASUREMENT_FILES = ("summary.json", "confusion.json", "latency.json", "campaign.json", "campaign_trace.jsonl")

# The build scripts `zynqnn compile` writes for the board, in the order they run.
BUILD_SCRIPTS = (
    ("vivado/build.sh", "runs both steps below (needs vitis-run, vitis_hls or vivado_hls, and vivado on PATH)"),
    ("hls/run_hls.tcl", "Vitis HLS: C simulation, synthesis and IP export of the kernel"),
    ("vivado/build_bd.tcl", "Vivado: block design with the Zynq PS and the AXI DMAs, implementation, a timing check, .bit and .hwh"),
)


class ReportDataError(ValueError):
    """A file is malformed or lacks a field; the message names the file and field."""


def read_json(path):
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
    if not records:
        raise ReportDataError(f"{path}: no call in the trace")
    return records


def load_measurements(folder):
    """Every measurement file of the folder keyed by file stem; None for a file that is absent
    (and for every file when ``folder`` is None)."""
    data = {name.split(".")[0]: None for name in MEASUREMENT_FILES}
    if folder is None:
        return data
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportDataError(f"{folder}: no such folder of measurements")
    for name in MEASUREMENT_FILES:
        path = folder / name
        if path.is_file():
            data[name.split(".")[0]] = read_trace(path) if name.endswith(".jsonl") else read_json(path)
    return data


def need(mapping, key, where):
    if not isinstance(mapping, dict) or key not in mapping:
        raise ReportDataError(f"{where}: missing field '{key}'")
    return mapping[key]


# ----------------------------------------------------------------------------- estimates
def _bram18(resources):
    """BRAM in BRAM18 halves, also from an estimate of older folders in BRAM36 blocks (x 2)."""
    if resources.get("bram18_estimate") is not None:
        return resources["bram18_estimate"]
    if resources.get("bram36_estimate") is not None:
        return resources["bram36_estimate"] * 2
    return None


def normalize_estimate(estimate, plan_layers=None):
    """Both estimate layouts of the project (the compiler's: ``layers[].layer``,
    ``cycles_estimate``, ``bram18_estimate``; the layer library's, which ``zynqnn estimate
    --json`` prints: ``layers[].name``, ``cycles_per_frame_estimate``,
    ``resources.{lut,ff,bram18,dsp}_estimate``) to one: {clock_mhz, fps, interval_cycles,
    latency_cycles, layers: [{name, nodes, ops, pe, simd, cycles, lut, ff, bram18, dsp}], totals,
    budget, device, fits}. BRAM is in BRAM18 halves. ``plan_layers`` maps a layer's name to its
    entry of plan.json's ``pl_layers`` (the ONNX nodes it implements, its fused operators). A resource the estimator does not give is None (shown as "not
    estimated", never as zero)."""
    where = "estimate"
    plan_layers = plan_layers or {}
    layers = []
    for index, layer in enumerate(need(estimate, "layers", where)):
        resources = layer.get("resources", layer)
        cycles = layer.get("cycles_estimate", layer.get("cycles_per_frame_estimate"))
        if cycles is None:
            raise ReportDataError(f"{where} layers[{index}]: missing field 'cycles_estimate' "
                                  f"(or 'cycles_per_frame_estimate')")
        name = layer.get("layer", layer.get("name")) or f"layer {index}"
        own = plan_layers.get(name, {})
        # An int8 layer's requantization is a layer of its own for the estimator, "<layer>_requant":
        # it is named by the nodes of the layer it follows.
        follows = plan_layers.get(name.removesuffix("_requant"), {}) if name.endswith("_requant") else {}
        layers.append({
            "name": name, "nodes": list((own or follows).get("nodes", [])),
            "ops": own.get("ops", layer.get("ops", layer.get("kind", ""))),
            "pe": layer.get("pe"), "simd": layer.get("simd"),
            "cycles": int(cycles),
            "lut": resources.get("lut_estimate"), "ff": resources.get("ff_estimate"),
            "bram18": _bram18(resources), "dsp": resources.get("dsp_estimate"),
        })
    totals_source = estimate.get("resources", estimate)
    totals = {"lut": totals_source.get("lut_estimate"), "ff": totals_source.get("ff_estimate"),
              "bram18": _bram18(totals_source), "dsp": totals_source.get("dsp_estimate")}
    for key in RESOURCES:
        if totals[key] is None and layers and all(layer[key] is not None for layer in layers):
            totals[key] = sum(layer[key] for layer in layers)
    given = estimate.get("budget", {})
    budget = {key: given.get(key, XC7Z020_BUDGET[key]) for key in ("lut", "ff", "dsp")}
    budget["bram18"] = given.get("bram18", given["bram36"] * 2 if "bram36" in given else XC7Z020_BUDGET["bram18"])
    clock = float(estimate.get("clock_mhz", 100.0))
    interval = estimate.get("interval_cycles_estimate", estimate.get("cycles_per_frame_estimate"))
    if interval is None:
        interval = max((layer["cycles"] for layer in layers), default=0)
    fps = estimate.get("fps_estimate", estimate.get("frames_per_second_estimate"))
    if fps is None and interval:
        fps = clock * 1e6 / interval
    latency = estimate.get("latency_cycles_estimate", sum(layer["cycles"] for layer in layers))
    return {"clock_mhz": clock, "fps": fps, "interval_cycles": int(interval), "latency_cycles": int(latency),
            "layers": layers, "totals": totals, "budget": budget,
            "device": str(given.get("device", "XC7Z020")).upper(), "fits": estimate.get("fits_estimate")}


# ----------------------------------------------------------------------------- compiled folder
def load_compiled(out_dir):
    """What the report needs of a compiled output folder: {folder, manifest, plan (or None),
    network (or None), estimate (normalized, or None), scripts: [(path, purpose, exists)],
    bitstream, hwh (paths relative to the folder, and whether they exist)}."""
    folder = Path(out_dir)
    if not (folder / "manifest.json").is_file():
        raise ReportDataError(f"{folder}: no manifest.json: give the output folder of "
                              f"`zynqnn compile model.onnx OUT`")
    manifest = read_json(folder / "manifest.json")
    plan = read_json(folder / "plan.json") if (folder / "plan.json").is_file() else None
    network = read_json(folder / "network.json") if (folder / "network.json").is_file() else None
    estimate = None
    if plan is not None and plan.get("estimate"):
        # The layer library's figures (FF included) are nested in the compiler's: the ones the
        # estimate verb prints.
        raw = plan["estimate"].get("estimator", plan["estimate"])
        estimate = normalize_estimate(raw, {layer["layer"]: layer for layer in plan.get("pl_layers", [])})
    artifacts = manifest.get("artifacts", {})
    built = {key: (artifacts[key], (folder / artifacts[key]).is_file())
             for key in ("bitstream", "hwh") if key in artifacts}
    return {"folder": folder, "manifest": manifest, "plan": plan, "network": network, "estimate": estimate,
            "scripts": [(path, purpose, (folder / path).is_file()) for path, purpose in BUILD_SCRIPTS],
            "built": built}


def layer_title(layer, limit=2):
    """A layer as its ONNX node names (the first ``limit``, then how many more), else its HLS name."""
    nodes = layer["nodes"]
    if not nodes:
        return layer["name"]
    shown = " + ".join(nodes[:limit])
    return shown if len(nodes) <= limit else f"{shown} (+{len(nodes) - limit} more)"
