"""zynqnn's C-simulation and hls4ml's, side by side, on one ONNX model (mnist-8 by default).

Runs in a venv of its own (python/requirements-hls4ml.txt; hls4ml is never a dependency of
zynqnn). In one run on this machine it measures, for each side:

- the g++ build time of the C-simulation library (wall and CPU of the build and its child
  processes; the median of --repeats builds): hls4ml's `ModelGraph.compile()` (its
  build_lib.sh with its own ap_types and flags) and zynqnn's OUT/sim/build.sh;
- inferences per second over the reference inputs (test_data_set_*) and --random inputs
  (uniform in the reference input's range, fixed seed), wall and CPU of the loop;
- the largest absolute error against the reference outputs, and against onnxruntime on the
  original model for the random inputs, and top-1 agreement; zynqnn fixed<W,I> is also
  compared output by output with hls4ml ap_fixed<W,I>.

hls4ml's ONNX front end takes QONNX-cleaned, channels-last models. mnist-8 needs three
rewrites first, each exact (same weights, same arithmetic): opset 8 -> 13 (qonnx's
transforms emit opset-13 Unsqueeze), Conv auto_pad=SAME_UPPER -> explicit pads (qonnx's
channels-last Conv requires pads), and Conv followed by Add of a per-channel constant ->
Conv with that bias input (hls4ml's constant-merge pass cannot broadcast the [1,1,1,C] bias
of the channels-last model). zynqnn takes the original model file.

Prints one JSON object (and writes it to --json-out when given).

Usage (from the repository root, after `make build`):
  build/hls4ml-venv/bin/python bench/hls4ml_side_by_side.py --json-out build/bench-hls4ml/result.json
"""
import argparse
import contextlib
import io
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter

ROOT = Path(__file__).resolve().parents[1]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(action):
    """Wall and CPU (this process + waited-for children) seconds of action(), and its result."""
    wall, cpu_self, cpu_children = time.perf_counter(), time.process_time(), children_cpu()
    result = action()
    return {"wall_s": time.perf_counter() - wall,
            "cpu_s": (time.process_time() - cpu_self) + (children_cpu() - cpu_children)}, result


def median_of(samples):
    return {"wall_s": statistics.median(s["wall_s"] for s in samples),
            "cpu_s": statistics.median(s["cpu_s"] for s in samples),
            "samples": samples}


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def gxx_version():
    out = subprocess.run(["g++", "--version"], capture_output=True, text=True, check=False).stdout
    return out.splitlines()[0] if out else None


# --- data ---

def load_reference(model_dir):
    inputs, outputs = [], []
    for folder in sorted(Path(model_dir).glob("test_data_set_*")):
        inputs.append(numpy_helper.to_array(onnx.load_tensor(str(folder / "input_0.pb"))).astype(np.float32))
        outputs.append(numpy_helper.to_array(onnx.load_tensor(str(folder / "output_0.pb"))).astype(np.float32))
    if not inputs:
        raise SystemExit(f"hls4ml_side_by_side: no test_data_set_* in {model_dir}")
    return np.stack(inputs), np.stack(outputs)


def onnxruntime_outputs(model_path, inputs):
    import onnxruntime as ort
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.stack([session.run(None, {name: x})[0] for x in inputs]).astype(np.float32)


def errors(got, want):
    got, want = got.reshape(len(got), -1), want.reshape(len(want), -1)
    absolute = np.abs(got.astype(np.float64) - want)
    return {"max_abs_err": float(absolute.max()),
            "max_rel_err": float((absolute / np.maximum(np.abs(want), 1e-30)).max()),
            "top1_agree": int((got.argmax(1) == want.argmax(1)).sum()), "count": int(len(got))}


# --- hls4ml ---

def _fold_conv_bias(model):
    """Conv(X, W) -> Add(., b[C,1,1]) becomes Conv(X, W, b): the same arithmetic."""
    inits = {i.name: i for i in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    consumers = {}
    for n in model.graph.node:
        for i in n.input:
            consumers[i] = consumers.get(i, 0) + 1
    folded = 0
    for add in list(model.graph.node):
        if add.op_type != "Add" or len(add.input) != 2:
            continue
        conv = producer.get(add.input[0])
        bias = inits.get(add.input[1])
        if conv is None or conv.op_type != "Conv" or len(conv.input) > 2 or bias is None:
            continue
        if consumers.get(conv.output[0]) != 1:
            continue
        out_channels = numpy_helper.to_array(inits[conv.input[1]]).shape[0]
        values = numpy_helper.to_array(bias)
        if values.size != out_channels or values.shape[-2:] not in ((1, 1), (out_channels, 1)):
            continue
        name = conv.name + "_bias"
        model.graph.initializer.append(numpy_helper.from_array(values.reshape(-1).astype(np.float32), name))
        conv.input.append(name)
        conv.output[0] = add.output[0]
        model.graph.node.remove(add)
        folded += 1
    return folded


def _explicit_same_pads(model, shapes):
    """Conv auto_pad=SAME_UPPER/SAME_LOWER -> explicit pads (as ONNX defines them)."""
    rewritten = 0
    for n in model.graph.node:
        if n.op_type != "Conv":
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        mode = attrs.get("auto_pad", b"NOTSET")
        if mode not in (b"SAME_UPPER", b"SAME_LOWER"):
            continue
        spatial = shapes(n.input[0])[2:]
        kernel = attrs["kernel_shape"]
        strides = attrs.get("strides", [1] * len(kernel))
        dilations = attrs.get("dilations", [1] * len(kernel))
        begin, end = [], []
        for size, k, s, d in zip(spatial, kernel, strides, dilations):
            total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small = total // 2
            b, e = (small, total - small) if mode == b"SAME_UPPER" else (total - small, small)
            begin.append(b)
            end.append(e)
        kept = [a for a in n.attribute if a.name != "auto_pad"]
        del n.attribute[:]
        n.attribute.extend(kept)
        n.attribute.append(helper.make_attribute("pads", begin + end))
        rewritten += 1
    return rewritten


def prepare_for_hls4ml(model_path):
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model

    original = onnx.load(str(model_path))
    opset = max(o.version for o in original.opset_import if o.domain in ("", "ai.onnx"))
    steps = []
    if opset < 13:
        original = version_converter.convert_version(original, 13)
        steps.append(f"opset {opset} -> 13")
    model = cleanup_model(ModelWrapper(original))
    if (count := _explicit_same_pads(model.model, model.get_tensor_shape)):
        steps.append(f"auto_pad SAME -> explicit pads on {count} Conv")
    if (count := _fold_conv_bias(model.model)):
        steps.append(f"Add of a per-channel constant -> Conv bias on {count} Conv")
    model = cleanup_model(model)
    model = model.transform(ConvertToChannelsLastAndClean())
    model = model.transform(GemmToMatMul())
    model = cleanup_model(model)
    steps.append("qonnx cleanup + ConvertToChannelsLastAndClean")
    return model, steps


def run_hls4ml(args, fixed, model_path, inputs, log):
    import hls4ml

    with contextlib.redirect_stdout(log):
        model, steps = prepare_for_hls4ml(model_path)
        precision = f"fixed<{fixed[0]},{fixed[1]}>"
        config = hls4ml.utils.config.config_from_onnx_model(
            model, granularity="name", backend=args.hls4ml_backend, default_precision=precision)
        out_dir = Path(args.work_dir) / f"hls4ml-{fixed[0]}-{fixed[1]}"
        hls_model = hls4ml.converters.convert_from_onnx_model(
            model, output_dir=str(out_dir), io_type=args.io_type, backend=args.hls4ml_backend, hls_config=config)
        builds = []
        sample, _ = timed(hls_model.compile)  # write() + build_lib.sh + load
        builds.append(sample)
        for _ in range(args.repeats - 1):
            sample, _ = timed(hls_model._compile)  # build_lib.sh + load (the project is written)
            builds.append(sample)
    build_flags = next((line.split("=", 1)[1].strip('"') for line in (out_dir / "build_lib.sh").read_text().splitlines()
                        if line.startswith("CFLAGS=")), None)
    types = sorted(set(re.findall(r"ap_fixed<\d+,\d+>", (out_dir / "firmware" / "defines.h").read_text())))
    x = inputs.reshape((len(inputs),) + tuple(inputs.shape[2:])).astype(np.float32)
    hls_model.predict(x[:1])  # warm-up (first touch of the library)
    loop, predictions = timed(lambda: hls_model.predict(x))
    predictions = np.asarray(predictions, dtype=np.float32).reshape(len(x), -1)
    return {
        "name": f"hls4ml {args.hls4ml_backend} {args.io_type} ap_fixed<{fixed[0]},{fixed[1]}>",
        "tool": "hls4ml", "precision": f"ap_fixed<{fixed[0]},{fixed[1]}>",
        "io_type": args.io_type, "strategy": config["Model"]["Strategy"], "reuse_factor": config["Model"]["ReuseFactor"],
        "types_in_defines_h": types, "build_flags": build_flags, "preprocessing": steps,
        "build": median_of(builds),
        "inference": {"count": len(x), "wall_s": loop["wall_s"], "cpu_s": loop["cpu_s"],
                      "inferences_per_s_wall": len(x) / loop["wall_s"], "inferences_per_s_cpu": len(x) / loop["cpu_s"],
                      "path": "ModelGraph.predict (a Python loop of ctypes calls, float in and out)"},
    }, predictions


# --- zynqnn ---

def run_zynqnn(args, model_path, inputs, precision, opt, work):
    out = work / f"zynqnn-{precision.replace('<', '-').replace('>', '').replace(',', '-')}{opt}"
    compile_cmd = [args.zynqnn, "compile", str(model_path), "-o", str(out), "--precision", precision, "--no-build", "--json"]
    compile_time, proc = timed(lambda: subprocess.run(compile_cmd, capture_output=True, text=True, check=False))
    if proc.returncode != 0:
        return {"name": f"zynqnn {precision} (g++ {opt})", "tool": "zynqnn", "precision": precision,
                "build_flags": opt, "error": "zynqnn compile failed: " + (proc.stderr or proc.stdout).strip()}, None
    env = dict(os.environ, ZYNQNN_SIM_OPT=opt)
    builds = []
    for _ in range(args.repeats):
        sample, proc = timed(lambda: subprocess.run(["sh", str(out / "sim" / "build.sh")], env=env,
                                                    capture_output=True, text=True, check=False))
        if proc.returncode != 0:  # recorded: a precision the host build refuses is a result
            first = next((line for line in proc.stderr.splitlines() if "error" in line), proc.stderr.strip()[-400:])
            return {"name": f"zynqnn {precision} (g++ {opt})", "tool": "zynqnn", "precision": precision,
                    "build_flags": opt, "error": f"sim/build.sh failed: {first}"}, None
        builds.append(sample)
    np.save(work / "inputs.npy", inputs.astype(np.float32))
    outputs_npy = out / "bench-outputs.npy"
    proc = subprocess.run([args.network_bench, str(out), str(work / "inputs.npy"), str(outputs_npy)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"hls4ml_side_by_side: compiler_network_bench failed:\n{proc.stderr}")
    loop = json.loads(proc.stdout.strip().splitlines()[-1])
    types = sorted(set(re.findall(r"ap_fixed<\d+,\d+>", "".join(f.read_text() for f in (out / "hls").glob("*_compute.cpp")))))
    return {
        "name": f"zynqnn {precision} (g++ {opt})", "tool": "zynqnn", "precision": precision, "build_flags": opt,
        "types_in_compute_cpp": types, "compile": compile_time, "build": median_of(builds),
        "inference": {"count": loop["inferences"], "wall_s": loop["wall_seconds"], "cpu_s": loop["cpu_seconds"],
                      "inferences_per_s_wall": loop["inferences_per_s_wall"],
                      "inferences_per_s_cpu": loop["inferences_per_s_cpu"],
                      "path": "NetworkRunner (C++ loop: host conversion, the sim library through the PL kernel ABI)",
                      "pl_runner": loop["pl_runner"]},
    }, np.load(outputs_npy).reshape(len(inputs), -1)


def main():
    fixtures = Path(os.environ.get("ZYNQNN_FIXTURES_DIR", "/work/shared/fixtures"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default=str(fixtures / "onnx" / "mnist-8"))
    parser.add_argument("--zynqnn", default=str(ROOT / "build" / "bin" / "zynqnn"))
    parser.add_argument("--network-bench", default=str(ROOT / "build" / "bin" / "compiler_network_bench"))
    parser.add_argument("--work-dir", default=str(ROOT / "build" / "bench-hls4ml"))
    parser.add_argument("--fixed", nargs="+", default=["16,6", "26,16", "32,16"],
                        help="W,I ...: a row of hls4ml ap_fixed<W,I> and of zynqnn fixed<W,I> for each")
    parser.add_argument("--io-type", default="io_stream", choices=["io_stream", "io_parallel"])
    parser.add_argument("--hls4ml-backend", default="Vivado")
    parser.add_argument("--random", type=int, default=200, help="random inputs besides the reference ones")
    parser.add_argument("--repeats", type=int, default=3, help="builds per side (the median is reported)")
    parser.add_argument("--zynqnn-opt", default="-O2,-O3", help="g++ optimization levels of zynqnn's sim builds")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    args.fixed = [tuple(int(v) for v in f.split(",")) for f in args.fixed]
    for tool in (args.zynqnn, args.network_bench):
        if not Path(tool).is_file():
            raise SystemExit(f"hls4ml_side_by_side: {tool} is missing (make build: it configures -DZYNQNN_BENCH=ON)")

    model_path = Path(args.model_dir) / "model.onnx"
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    ref_in, ref_out = load_reference(args.model_dir)
    rng = np.random.default_rng(12345)
    random_in = rng.uniform(float(ref_in.min()), float(ref_in.max()),
                            size=(args.random,) + ref_in.shape[1:]).astype(np.float32)
    random_ref = onnxruntime_outputs(model_path, random_in)
    inputs = np.concatenate([ref_in, random_in])
    n_ref = len(ref_in)
    load_before = os.getloadavg()

    rows, outputs = [], {}

    def add(row, pred):
        rows.append(row)
        outputs[row["name"]] = pred

    opts = args.zynqnn_opt.split(",")
    add(*run_zynqnn(args, model_path, inputs, "float32", opts[0], work))
    for fixed in args.fixed:
        log = io.StringIO()
        try:
            row, pred = run_hls4ml(args, fixed, model_path, inputs, log)
        except Exception as error:  # recorded: a front end that refuses the model is a result
            row = {"name": f"hls4ml ap_fixed<{fixed[0]},{fixed[1]}>", "tool": "hls4ml",
                   "error": f"{type(error).__name__}: {error}"}
            pred = None
        (work / f"hls4ml-{fixed[0]}-{fixed[1]}.log").write_text(log.getvalue())
        add(row, pred)
        for opt in opts:
            add(*run_zynqnn(args, model_path, inputs, f"fixed<{fixed[0]},{fixed[1]}>", opt, work))

    for row in rows:
        pred = outputs[row["name"]]
        if pred is None:
            continue
        row["vs_reference_outputs"] = errors(pred[:n_ref], ref_out)
        row["vs_onnxruntime_random"] = errors(pred[n_ref:], random_ref) if args.random else None
    hls4ml_by_precision = {r["precision"][3:]: outputs[r["name"]] for r in rows
                           if r["tool"] == "hls4ml" and outputs[r["name"]] is not None}
    for row in rows:  # zynqnn fixed<W,I> against hls4ml ap_fixed<W,I>, output by output
        other = hls4ml_by_precision.get(row.get("precision")) if row["tool"] == "zynqnn" else None
        if other is not None and outputs[row["name"]] is not None:
            row["vs_hls4ml_same_precision"] = errors(outputs[row["name"]], other)

    result = {
        "model": str(model_path), "inputs": {"reference": n_ref, "random": args.random, "random_range": [
            float(ref_in.min()), float(ref_in.max())], "seed": 12345},
        "repeats": args.repeats,
        "machine": {"cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg(),
                    "python": platform.python_version(), "gxx": gxx_version()},
        "versions": {p: version(p) for p in ("hls4ml", "qonnx", "onnx", "onnxruntime", "numpy")},
        "rows": rows,
    }
    text = json.dumps(result, indent=1)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
