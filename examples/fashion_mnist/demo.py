"""The zynqnn demo (`make demo`): the Fashion-MNIST CNN compiled to an int8 dataflow
accelerator for the PYNQ-Z1, run on the virtual board on the 10,000 test images, compared with
the float model under onnxruntime, then kept running through a seeded fault campaign; ends with
build/demo/summary.json and build/demo/report.html.

    python3 demo.py --zynqnn build/bin/zynqnn --out build/demo

Every stage must succeed: a failing stage stops the demo with its name and the reason, and
no summary or report is written from a partial run (docs/demo.md).
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATASET = Path("/usr/share/datasets/fashion-mnist")
MODEL = HERE / "fashion_cnn.onnx"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
# Faults per call for the campaign (kinds of `zynqnn campaign --faults`).
CAMPAIGN_FAULTS = "hang=0.01,stall=0.01,missing_tlast=0.01,extra_words=0.01,bus_error=0.01,corrupt_output=0.01"
# The campaign's watchdog: the adaptive policy (deadline, ladder, drift detector, bounded
# adaptation) with the canary before every CANARY_INTERVAL-th call (the one check that sees a
# corrupted output of a kernel whose every output value is legal), and a deadline of
# DEADLINE_FACTOR thresholds so that a stalled frame (8x slower) is judged slow, not hung.
CAMPAIGN_POLICY = "adaptive"
CANARY_INTERVAL = 2
DEADLINE_FACTOR = 10
ACCURACY_POLICY = "fixed"  # the accuracy run: deadline, abort -> reconfigure -> retry
PERSISTENT_FRACTION = 0.25


class StageError(RuntimeError):
    """A stage of the demo failed; the message names the stage and why."""


def stage(title):
    print(f"\n== {title}", flush=True)


# ----------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:  # unsigned bytes
        raise StageError(f"{path}: not an IDX file of unsigned bytes (magic {magic:#x})")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def load_split(split):
    """Images as float32 [N,1,28,28] in [0, 1] (as train.py feeds the model) and int64 labels."""
    prefix = "train" if split == "train" else "t10k"
    images_path = DATASET / f"{prefix}-images-idx3-ubyte.gz"
    labels_path = DATASET / f"{prefix}-labels-idx1-ubyte.gz"
    for path in (images_path, labels_path):
        if not path.exists():
            raise StageError(f"{path} is missing: install Debian's dataset-fashion-mnist (scripts/install-deps.sh)")
    images = read_idx(images_path).astype(np.float32) / 255.0
    labels = read_idx(labels_path).astype(np.int64)
    if len(images) != len(labels):
        raise StageError(f"{images_path}: {len(images)} images but {len(labels)} labels")
    return images[:, None, :, :], labels


def make_calibration(train_images, count, seed, path):
    """`count` training images, drawn without replacement, as one float32 .npy [count,1,28,28]."""
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(train_images), size=count, replace=False))
    np.save(path, np.ascontiguousarray(train_images[picked], dtype=np.float32))
    return picked


# ----------------------------------------------------------------------------- CLI stages
def run_cli(args, what, capture=True):
    """Runs `zynqnn ...`; raises StageError with the tool's message when it fails."""
    try:
        done = subprocess.run([str(a) for a in args], capture_output=capture, text=True, timeout=1800)
    except FileNotFoundError:
        raise StageError(f"{what}: {args[0]} not found (run `make build`)") from None
    except subprocess.TimeoutExpired:
        raise StageError(f"{what}: `{' '.join(map(str, args[:2]))}` did not finish in 30 minutes") from None
    if done.returncode != 0:
        message = (done.stderr or "").strip() if capture else ""
        raise StageError(f"{what}: `{' '.join(map(str, args))}` exited with {done.returncode}"
                         + (f":\n{message}" if message else ""))
    return done.stdout if capture else ""


def parse_json_output(text, what):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise StageError(f"{what}: the output is not one JSON object ({e})") from None


def check_cli(zynqnn):
    """Every verb the demo calls must exist before anything runs (a missing one names its producer)."""
    if not Path(zynqnn).is_file():
        raise StageError(f"{zynqnn} is missing: run `make build` first")
    usage = run_cli([zynqnn, "--help"], "zynqnn --help")
    missing = [verb for verb in ("compile", "estimate") if verb not in usage]
    if missing:
        raise StageError(f"this build of zynqnn has no {', '.join(missing)} verb(s); the demo needs compile and estimate")


def print_estimate(est):
    print(f"  {'layer':<34} {'operators':<12} {'PE':>3} {'SIMD':>4} {'cycles':>9} {'DSP':>5} {'BRAM18':>7} {'LUT':>7}")
    for layer in est["layers"]:
        print(f"  {layer['name']:<34} {layer['ops']:<12} {layer['pe'] or '':>3} {layer['simd'] or '':>4} "
              f"{layer['cycles']:>9,} {_n(layer['dsp']):>5} {_n(layer['bram18']):>7} {_n(layer['lut']):>7}")
    print(f"  interval {est['interval_cycles']:,} cycles -> {est['fps']:,.1f} frames/s at {est['clock_mhz']:g} MHz; "
          f"latency {est['latency_cycles']:,} cycles = {est['latency_cycles'] / est['clock_mhz'] / 1e3:.3f} ms")
    for key, label in (("lut", "LUT"), ("ff", "FF"), ("bram18", "BRAM18"), ("dsp", "DSP")):
        total, budget = est["totals"][key], est["budget"][key]
        used = "not estimated" if total is None else f"{total:,.0f} ({100.0 * total / budget:.1f} %)"
        print(f"  {label:<7} {used:>20} of {budget:,.0f} on the {est['device']}")
    print("  (all figures are analytical estimates, not synthesis results)")


def _n(value):
    return "-" if value is None else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# ----------------------------------------------------------------------------- the accelerator
class Progress:
    """A one-line progress bar, only when stdout is a terminal."""

    def __init__(self, total, label):
        self.total, self.label, self.start = total, label, time.monotonic()
        self.enabled = sys.stdout.isatty()
        self.last = 0.0

    def update(self, done):
        if not self.enabled:  # a log: one line per tenth
            tenth = max(self.total // 10, 1)
            if done % tenth == 0 or done == self.total:
                rate = done / max(time.monotonic() - self.start, 1e-9)
                print(f"  {self.label}: {done:,}/{self.total:,} ({rate:,.0f}/s)", flush=True)
            return
        now = time.monotonic()
        if done != self.total and now - self.last < 0.1:
            return
        self.last = now
        width = 40
        filled = int(width * done / self.total)
        rate = done / max(now - self.start, 1e-9)
        print(f"\r  {self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} "
              f"{rate:,.0f}/s", end="" if done != self.total else "\n", flush=True)

    def note(self, text):
        """A line of its own, above the bar."""
        print(("\r\033[K" if self.enabled else "") + text, flush=True)


def watched_predict(model, image):
    """One image through the model, its PL call under the watchdog: the logits (None when the
    call was not answered) and the watchdog's result of that call."""
    from zynqnn import CallNotAnswered  # the package is found by run()'s preflight
    try:
        logits = model.predict(image[None])[0]
    except CallNotAnswered:
        logits = None
    return logits, model.last_watchdog_result


def run_accelerator(model, images):
    """Every image through zynqnn.Model (quantization, layout and the PL call, watched): the
    watchdog verifies, times and classifies each call. A call the watchdog could not answer is
    kept as its failure record and its image scored wrong (prediction -1)."""
    predictions = np.full(len(images), -1, dtype=np.int64)
    raw_outputs = [None] * len(images)
    latencies = []
    progress = Progress(len(images), "accelerator")
    start = time.monotonic()
    for i, image in enumerate(images):
        logits, result = watched_predict(model, image)
        latencies.append(result.latency_ns)
        if logits is not None:
            raw_outputs[i] = logits
            predictions[i] = int(np.argmax(logits))
        progress.update(i + 1)
        if i + 1 == 100 and len(images) > 100:
            per_image = (time.monotonic() - start) / 100
            progress.note(f"  {per_image * 1e3:.2f} ms per image on the virtual board: about "
                          f"{per_image * len(images):.0f} s for {len(images):,} images")
    seconds = time.monotonic() - start
    failures = {}
    for record in model.watchdog.failures():
        failures[record.outcome] = failures.get(record.outcome, 0) + 1
    return predictions, raw_outputs, latencies, failures, seconds


def confusion_matrix(labels, predictions, classes=10):
    matrix = np.zeros((classes, classes), dtype=np.int64)
    answered = predictions >= 0
    np.add.at(matrix, (labels[answered], predictions[answered]), 1)
    return matrix


def run_float(model, images):
    """The float model under onnxruntime, one image per run (the model's batch is 1)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    predictions = np.empty(len(images), dtype=np.int64)
    for i, image in enumerate(images):
        predictions[i] = int(np.argmax(session.run(None, {name: image[None]})[0]))
    return predictions


# ----------------------------------------------------------------------------- campaign
def parse_rates(spec):
    rates = {}
    for entry in spec.split(","):
        kind, _, rate = entry.partition("=")
        if kind not in FAULT_KINDS or not rate:
            raise StageError(f"--faults: {entry!r} is not KIND=RATE with KIND one of {', '.join(FAULT_KINDS)}")
        rates[kind] = float(rate)
    if sum(rates.values()) > 1:
        raise StageError("--faults: the rates add up to more than 1")
    return rates


FAULT_KINDS = ("hang", "stall", "missing_tlast", "extra_words", "bus_error", "corrupt_output")


def fault_run(model, images, references, calls, rates, seed, progress_label):
    """A seeded fault campaign on the accelerator itself, driven by the C++ watchdog: before call
    i a fault may be injected into the virtual board (transient: the next frame; persistent:
    until the PL is reconfigured; no new fault while a persistent one is active). The watchdog
    alone detects (deadline, DMA status, byte counts, canary, drift) and recovers (abort,
    reconfigure, retry); the demo only tallies what it reports. The answer of every call is
    compared with the same image's answer of the fault-free accuracy run: a delivered answer that
    differs is counted as a silent corruption, never as a success."""
    rng = np.random.default_rng(seed)
    kinds, cumulative = list(rates), np.cumsum(list(rates.values()))
    faults = {kind: {"injected": 0, "detected": 0, "recovered": 0} for kind in FAULT_KINDS}
    trace, silent, false_positives, correct_answers = [], 0, 0, 0
    active = None  # the persistent fault in force: kind, call injected, detected so far
    progress = Progress(calls, progress_label)
    for call in range(calls):
        fault, persistent = None, False
        if active is None:
            hit = int(np.searchsorted(cumulative, rng.random(), side="right"))
            if hit < len(kinds):
                fault, persistent = kinds[hit], bool(rng.random() < PERSISTENT_FRACTION)
                model.accelerator.inject_fault(fault, persistent=persistent)
                faults[fault]["injected"] += 1
                if persistent:
                    active = {"kind": fault, "call": call, "detected": False}
        image = call % len(images)
        logits, result = watched_predict(model, images[image])
        correct = result.delivered and np.array_equal(logits, references[image])
        correct_answers += int(correct)
        if result.delivered and not correct:
            silent += 1
        reloaded = any(a in ("reconfigure", "proactive_reconfigure") for a in result.actions)
        recovered = False
        if fault is not None and not persistent:
            faults[fault]["detected"] += int(result.anomaly)
            recovered = bool(correct)
            faults[fault]["recovered"] += int(recovered)
        elif active is not None:
            active["detected"] |= result.anomaly
            if reloaded:  # a reload clears a persistent fault
                faults[active["kind"]]["detected"] += int(active["detected"])
                recovered = bool(correct)
                faults[active["kind"]]["recovered"] += int(recovered)
                active = None
        elif result.anomaly:
            false_positives += 1
        trace.append({"call": call, "policy": CAMPAIGN_POLICY, "latency_ns": result.latency_ns,
                      "outcome": result.outcome, "canary": result.canary, "fault": fault, "persistent": persistent,
                      "detected": result.anomaly, "recovered": recovered, "lost": not result.delivered,
                      "correct": bool(correct), "actions": list(result.actions)})
        progress.update(call + 1)
    if active is not None:  # still in force at the end: detected or not, never recovered
        faults[active["kind"]]["detected"] += int(active["detected"])
    watchdog = model.watchdog
    records = watchdog.failures()
    if len(records) != sum(1 for entry in trace if entry["lost"]):
        raise StageError("campaign: the watchdog's failure records do not match the unanswered calls")
    counters = watchdog.counters()
    policy = {
        "threshold_ns": counters["calibrated_threshold_ns"], "final_threshold_ns": counters["threshold_ns"],
        "deadline_ns": counters["deadline_ns"],
        "lost": len(records), "failure_records": [r.as_dict() for r in records],
        "silent_corruptions": silent, "false_positives": false_positives,
        "availability": correct_answers / calls, "faults": faults,
        "unhealed_persistent_fault": active["kind"] if active else None,
        "watchdog_counters": counters,
    }
    campaign = {"seed": seed, "calls": calls, "target": "the compiled CNN on the virtual board, through "
                "zynqnn.Model watched by zynqnn.Watchdog (the C++ watchdog over the C ABI)", "policies": {CAMPAIGN_POLICY: policy}}
    return campaign, trace


def campaign_totals(campaign, policy):
    policies = campaign.get("policies", {})
    if policy not in policies:
        raise StageError(f"campaign: no policy {policy!r} in the report (have {', '.join(policies)})")
    p = policies[policy]
    faults = p.get("faults", {})
    return {
        "faults_injected": sum(int(f["injected"]) for f in faults.values()),
        "faults_detected": sum(int(f["detected"]) for f in faults.values()),
        "faults_recovered": sum(int(f["recovered"]) for f in faults.values()),
        "lost_inputs": int(p["lost"]),
        "silent_corruptions": int(p.get("silent_corruptions", 0)),
        "false_positives": int(p.get("false_positives", 0)),
        "availability": float(p.get("availability", float("nan"))),
    }


def write_json(path, value):
    temporary = Path(str(path) + ".tmp")
    temporary.write_text(json.dumps(value, indent=2) + "\n")
    os.replace(temporary, path)


# ----------------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--zynqnn", type=Path, default=REPO / "build" / "bin" / "zynqnn", help="the zynqnn CLI")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "demo", help="where everything is written")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--images", type=int, default=10000, help="test images to run (the first N)")
    parser.add_argument("--calib-images", type=int, default=300, help="training images for int8 calibration")
    parser.add_argument("--campaign-calls", type=int, default=600, help="calls in the fault campaign")
    parser.add_argument("--faults", default=CAMPAIGN_FAULTS, help="fault rates of the campaign (KIND=RATE,...)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except StageError as e:
        print(f"\ndemo FAILED: {e}", file=sys.stderr)
        print("no summary or report was written from this run", file=sys.stderr)
        return 1


def run(args):
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    # Never leave a previous run's results looking current.
    for stale in ("summary.json", "report.html", "estimate.json", "confusion.json", "latency.json", "campaign.json",
                  "campaign_trace.jsonl", "alarms.jsonl", "watchdog_calibration.json"):
        (out / stale).unlink(missing_ok=True)
    project = out / "accelerator"
    started = time.monotonic()
    timings = {}

    stage("preflight: the zynqnn CLI and the Python package")
    check_cli(args.zynqnn)
    sys.path.append(str(REPO / "python"))  # after PYTHONPATH: an installed or chosen package wins
    try:
        import zynqnn
        from zynqnn import report_data, report_page
    except Exception as e:  # the package or its native library (libzynqnn_capi.so) is missing
        raise StageError(f"cannot import the zynqnn Python package ({type(e).__name__}: {e}); "
                         "`make build` builds its native library") from None
    print(f"  {args.zynqnn}, zynqnn {zynqnn.__version__}")

    stage(f"(a) calibration inputs: {args.calib_images} training images")
    t = time.monotonic()
    train_images, _ = load_split("train")
    test_images, test_labels = load_split("test")
    if not 0 < args.images <= len(test_images):
        raise StageError(f"--images must be in 1..{len(test_images)}")
    test_images, test_labels = test_images[:args.images], test_labels[:args.images]
    calib_path = out / "calibration_inputs.npy"
    make_calibration(train_images, args.calib_images, args.seed, calib_path)
    print(f"  {calib_path} ({args.calib_images} x 1x28x28 float32)")
    timings["calibration_inputs_s"] = time.monotonic() - t

    stage("(b) compile to int8 for the PYNQ-Z1, and the estimate")
    t = time.monotonic()
    print(run_cli([args.zynqnn, "compile", args.model, "-o", project, "--precision", "int8", "--calib", calib_path,
                   "--board", "pynq-z1"], "compile").rstrip())
    estimate = parse_json_output(run_cli([args.zynqnn, "estimate", project, "--json"], "estimate"), "estimate")
    write_json(out / "estimate.json", estimate)
    est = report_data.normalize_estimate(estimate)
    print_estimate(est)
    manifest_path = project / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    sim_library = project / manifest.get("artifacts", {}).get("sim_library", "sim/libkernel.so")
    if not sim_library.exists():
        raise StageError(f"compile: {sim_library} was not built: the virtual board has no kernel to run")
    timings["compile_s"] = time.monotonic() - t

    stage(f"(c) {len(test_images):,} test images on the virtual board, through the watchdog")
    calibration_file = project / "calibration.json"  # where the watchdog keeps it: next to the manifest
    calibration_file.unlink(missing_ok=True)  # made by this run, then reused by the campaign
    calibration_images = np.load(calib_path)
    with zynqnn.Model(project, board="virtual") as model:
        t = time.monotonic()
        # The model's own inputs calibrate the watchdog: their PL frames are what the model sends.
        watchdog = model.watch(calibration=calibration_images, policy=ACCURACY_POLICY)
        calibration = watchdog.calibration()
        timings["watchdog_calibration_s"] = time.monotonic() - t
        print(f"  calibrated on {calibration['calls']} calls (the int8 calibration images): median "
              f"{calibration['median_ns'] / 1e3:,.1f} us, MAD {calibration['mad_ns'] / 1e3:,.2f} us -> threshold "
              f"{calibration['threshold_ns'] / 1e3:,.1f} us, deadline {watchdog.deadline_ns / 1e3:,.1f} us; "
              f"stored in {calibration_file}")
        predictions, references, latencies, failures, accel_seconds = run_accelerator(model, test_images)
        accuracy_counters = watchdog.counters()
        threshold_ns = accuracy_counters["threshold_ns"]
        timings["accelerator_s"] = accel_seconds
        if not any(reference is not None for reference in references):
            raise StageError("accelerator: no call was answered")
        if not calibration_file.is_file():
            raise StageError(f"watchdog: the calibration was not stored in {calibration_file}")
        accuracy_accelerator = float((predictions == test_labels).mean())
        matrix = confusion_matrix(test_labels, predictions)
        outcomes = ", ".join(f"{n:,} {name}" for name, n in accuracy_counters["outcomes"].items() if n)
        print(f"  accuracy {accuracy_accelerator:.4f}; watchdog outcomes: {outcomes}; "
              f"{sum(failures.values())} unanswered{' ' + str(failures) if failures else ''}; "
              f"{len(test_images) / accel_seconds:,.0f} images/s (host time)")
        if threshold_ns < float(np.median(latencies)):
            raise StageError(f"watchdog: threshold {threshold_ns} ns below the median call latency: the "
                             "calibration does not describe this kernel")

        stage("(d) the float model under onnxruntime, same images")
        t = time.monotonic()
        float_predictions = run_float(args.model, test_images)
        accuracy_float = float((float_predictions == test_labels).mean())
        agreement = float((float_predictions == predictions).mean())
        timings["float_s"] = time.monotonic() - t
        print(f"  accuracy {accuracy_float:.4f}; the accelerator agrees on {agreement:.4f} of the images")

        stage(f"(e) fault campaign on the same accelerator: {args.campaign_calls} calls under the watchdog "
              f"(policy {CAMPAIGN_POLICY})")
        t = time.monotonic()
        alarms_path = out / "alarms.jsonl"
        answered = [i for i, reference in enumerate(references) if reference is not None]
        campaign_images = test_images[answered]
        campaign_references = [references[i] for i in answered]
        # No threshold given: the watchdog finds the calibration stored by stage (c) and reuses it.
        # calibrate=None: the watchdog finds the calibration stored by stage (c) and reuses it; the
        # first calibration image is the canary's input.
        watchdog = model.watch(calibration=calibration_images[:1], calibrate=None, policy=CAMPAIGN_POLICY,
                               canary_interval=CANARY_INTERVAL, deadline_factor=DEADLINE_FACTOR, fallback=True,
                               jsonl=alarms_path)
        if watchdog.calibration() != calibration:
            raise StageError("campaign: the watchdog did not reuse the stored calibration")
        print(f"  reused {calibration_file}: threshold {watchdog.threshold_ns / 1e3:,.1f} us, deadline "
              f"{watchdog.deadline_ns / 1e3:,.1f} us; canary before every {CANARY_INTERVAL}nd call; "
              f"alarms to {alarms_path}")
        campaign, trace = fault_run(model, campaign_images, campaign_references, args.campaign_calls,
                                    parse_rates(args.faults), args.seed, "fault campaign")
    trace_path = out / "campaign_trace.jsonl"
    trace_path.write_text("".join(json.dumps(entry) + "\n" for entry in trace))
    alarms = [json.loads(line) for line in alarms_path.read_text().splitlines()] if alarms_path.exists() else []
    campaign["policies"][CAMPAIGN_POLICY]["alarms"] = len(alarms)
    write_json(out / "campaign.json", campaign)
    totals = campaign_totals(campaign, CAMPAIGN_POLICY)
    timings["campaign_s"] = time.monotonic() - t
    counters = campaign["policies"][CAMPAIGN_POLICY]["watchdog_counters"]
    print(f"  {'fault':<15} {'injected':>8} {'detected':>8} {'recovered':>9}")
    for kind, counts in campaign["policies"][CAMPAIGN_POLICY]["faults"].items():
        print(f"  {kind:<15} {counts['injected']:>8} {counts['detected']:>8} {counts['recovered']:>9}")
    print(f"  lost inputs {totals['lost_inputs']} (the watchdog's failure records), false positives "
          f"{totals['false_positives']}, silent corruptions {totals['silent_corruptions']}")
    print(f"  watchdog: {counters['attempts']} attempts, {counters['aborts']} aborts, {counters['reconfigurations']} "
          f"reconfigurations ({counters['proactive_reconfigurations']} proactive), {counters['canaries']} canaries, "
          f"{counters['alarms']} alarms ({', '.join(sorted({a['event'] for a in alarms})) or 'none'})")

    stage("(f) summary and report")
    write_json(out / "confusion.json", {"classes": CLASSES, "matrix": matrix.tolist(),
                                        "rows": "true class", "columns": "predicted class (accelerator)"})
    write_json(out / "latency.json", {"samples_ns": latencies, "threshold_ns": threshold_ns,
                                      "clock": "virtual board clock", "calibration_file": str(calibration_file),
                                      "calibration": calibration})
    reference = json.loads((HERE / "fashion_cnn.json").read_text()).get("test_accuracy_torch")
    summary = {
        "data_origin": "demo",
        "model": args.model.name, "precision": "int8", "board": "pynq-z1", "run_on": "virtual board",
        "images": int(len(test_images)),
        "accuracy_float": accuracy_float,
        "accuracy_accelerator": accuracy_accelerator,
        "accuracy_torch_reference": reference,
        "agreement_float_accelerator": agreement,
        "accelerator_failures": int(sum(failures.values())),
        "accelerator_failures_by_kind": failures,
        "watchdog_policy_accuracy_run": ACCURACY_POLICY,
        "watchdog_counters_accuracy_run": accuracy_counters,
        "throughput_images_per_s": len(test_images) / accel_seconds,
        "modeled_latency_ms": est["latency_cycles"] / est["clock_mhz"] / 1e3,
        "measured_latency_ns_median": int(np.median(latencies)),
        "fps_estimate": est["fps"],
        "clock_mhz": est["clock_mhz"],
        "watchdog_threshold_ns": threshold_ns,
        "watchdog_calibration": calibration,
        "campaign_policy": CAMPAIGN_POLICY,
        "campaign_calls": int(campaign.get("calls", args.campaign_calls)),
        "campaign_seed": args.seed,
        "campaign_faults": args.faults,
        "campaign_alarms": len(alarms),
        **totals,
        "timings_s": {k: round(v, 2) for k, v in timings.items()},
        "report": str(out / "report.html"),
    }
    # The report first: summary.json appears only when everything, the report included, exists.
    summary_pending = out / "summary.json.pending"
    write_json(summary_pending, summary)
    os.replace(summary_pending, out / "summary.json")
    try:
        report_page.report(project, data=out, html_path=out / "report.html")
    except report_data.ReportDataError as e:
        (out / "summary.json").unlink(missing_ok=True)
        raise StageError(f"report: {e}") from None

    rows = [("images", f"{summary['images']:,}"), ("accuracy, float (onnxruntime)", f"{accuracy_float:.4f}"),
            ("accuracy, accelerator (int8)", f"{accuracy_accelerator:.4f}"),
            (f"faults injected / detected / recovered ({CAMPAIGN_POLICY})",
             f"{totals['faults_injected']} / {totals['faults_detected']} / {totals['faults_recovered']}"),
            ("inputs lost", str(totals["lost_inputs"])),
            ("throughput, virtual board (host time)", f"{summary['throughput_images_per_s']:,.0f} images/s"),
            ("latency per image (estimate)", f"{summary['modeled_latency_ms']:.3f} ms"),
            ("frames/s at the PL clock (estimate)", f"{est['fps']:,.1f}")]
    width = max(len(label) for label, _ in rows)
    print()
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(f"\n  summary: {out / 'summary.json'}\n  report:  {out / 'report.html'}")
    print(f"  demo finished in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
