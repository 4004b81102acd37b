"""The ``zynqnn`` command's verbs from Python: compile an ONNX model, read its estimate,
generate a kernel project from a spec.

    compiled = zynqnn.compile("net.onnx", "out", precision="int8", calibration=images)
    print(compiled.estimate)                  # per layer: PE, SIMD, cycles, LUT, BRAM18, DSP
    with compiled.open() as model:            # a zynqnn.Model on the virtual board
        scores = model.predict(images)

Each runs the ``zynqnn`` executable (the one installed with the package, else the build
tree's, or ``ZYNQNN_CLI``) and returns its JSON answer as objects; a failure raises
``zynqnn.Error`` with the tool's own message.
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .errors import Error

_HERE = Path(__file__).resolve().parent
_TIMEOUT_S = 3600  # a compile builds the host library: minutes at most


def executable():
    """The ``zynqnn`` executable: ZYNQNN_CLI, the installed package's, or the build tree's."""
    explicit = os.environ.get("ZYNQNN_CLI")
    candidates = [Path(explicit)] if explicit else []
    candidates += [_HERE / "bin" / "zynqnn", _HERE.parents[1] / "build" / "bin" / "zynqnn"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise Error("the zynqnn executable was not found: install the package with pip, or build with `make build` "
                "(or set ZYNQNN_CLI)", "not_found")


def _run(args, what):
    try:
        done = subprocess.run([str(executable()), *map(str, args)], capture_output=True, text=True,
                              timeout=_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise Error(f"{what} did not finish in {_TIMEOUT_S} s", "timeout") from None
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip()
        raise Error(f"{what} failed: {message}", "invalid_argument" if done.returncode == 2 else "internal")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise Error(f"{what}: the tool's answer is not JSON ({error})", "internal") from None


class LayerEstimate:
    """One layer of the pipeline: its folding, cycles per frame and resources (estimates)."""

    __slots__ = ("name", "kind", "pe", "simd", "cycles", "lut", "ff", "bram18", "dsp")

    def __init__(self, raw):
        resources = raw.get("resources", {})
        self.name, self.kind = raw["name"], raw["kind"]
        self.pe, self.simd = raw.get("pe"), raw.get("simd")
        self.cycles = raw["cycles_per_frame_estimate"]
        self.lut, self.ff = resources.get("lut_estimate"), resources.get("ff_estimate")
        self.bram18, self.dsp = resources.get("bram18_estimate"), resources.get("dsp_estimate")

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self):
        return f"LayerEstimate({self.name!r}, cycles={self.cycles}, pe={self.pe}, simd={self.simd})"


class Estimate:
    """The analytical estimate of a compiled folder (``zynqnn estimate OUT --json``): not
    synthesis results. ``layers`` (LayerEstimate), ``fps``, ``interval_cycles``,
    ``latency_cycles``, ``clock_mhz``, ``totals`` and ``budget`` ({lut, ff, bram18, dsp}),
    ``fits``; ``raw`` is the tool's JSON."""

    def __init__(self, raw):
        self.raw = raw
        self.layers = [LayerEstimate(layer) for layer in raw["layers"]]
        self.fps = raw["frames_per_second_estimate"]
        self.interval_cycles = raw["cycles_per_frame_estimate"]
        self.latency_cycles = raw["latency_cycles_estimate"]
        self.clock_mhz = raw["clock_mhz"]
        self.fits = raw["fits_estimate"]
        self.budget = {k: v for k, v in raw["budget"].items() if k != "device"}
        self.device = raw["budget"].get("device")
        self.totals = {key: sum(getattr(layer, key) or 0 for layer in self.layers) for key in ("lut", "ff", "bram18", "dsp")}

    def table(self):
        """The estimate as a text table, one row per layer."""
        rows = [f"{'layer':<32} {'kind':<16} {'PE':>3} {'SIMD':>4} {'cycles':>9} {'LUT':>7} {'BRAM18':>6} {'DSP':>4}"]
        for l in self.layers:
            rows.append(f"{l.name:<32} {l.kind:<16} {l.pe or '':>3} {l.simd or '':>4} {l.cycles:>9,} "
                        f"{l.lut or 0:>7,.0f} {l.bram18 or 0:>6.1f} {l.dsp or 0:>4.0f}")
        used = ", ".join(f"{key.upper()} {self.totals[key]:,.0f}/{self.budget[key]:,.0f}" for key in self.totals)
        rows.append(f"interval {self.interval_cycles:,} cycles = {self.fps:,.1f} frames/s at {self.clock_mhz:g} MHz, "
                    f"latency {self.latency_cycles:,} cycles; {used} on the {self.device} "
                    f"({'fits' if self.fits else 'does not fit'}; analytical estimates, not synthesis)")
        return "\n".join(rows)

    def __str__(self):
        return self.table()

    def __repr__(self):
        return f"Estimate({len(self.layers)} layers, {self.fps:,.1f} frames/s, fits={self.fits})"


class Compiled:
    """A compiled folder: ``output_dir``, ``placement`` (where each ONNX node runs),
    ``precision``, ``summary`` (compile's JSON answer) and its ``estimate``."""

    def __init__(self, output_dir, summary):
        self.output_dir = Path(output_dir)
        self.summary = summary
        self.placement = summary.get("placement", [])
        self.precision = summary.get("precision")
        self.estimate = estimate(output_dir)

    def open(self, board="virtual", **options):
        """The compiled network as a ``zynqnn.Model``."""
        from .model import Model
        return Model(self.output_dir, board, **options)

    def __repr__(self):
        return f"Compiled({str(self.output_dir)!r}, precision={self.precision!r}, {self.estimate!r})"


def compile(model, output_dir, *, precision="float32", calibration=None, target_fps=None, fold=None, board="pynq-z1",
            clock_mhz=None, weights=None, force=False):  # noqa: A001 - the verb's name
    """Compiles an ONNX model (a path, or an ``onnx.ModelProto``) into ``output_dir``.

    ``precision``: "float32", "int8" or "fixed<W,I>"; ``calibration`` (int8): the model's
    inputs as ``Model.predict`` takes them (float32, NCHW, samples along the first axis) or
    the path of a .npy; ``target_fps``: fold layers to reach it; ``fold``: {layer: (pe, simd)};
    ``board``: "pynq-z1" or "pynq-z2". Returns a ``Compiled``."""
    with tempfile.TemporaryDirectory(prefix="zynqnn-compile-") as scratch:
        args = ["compile", _model_path(model, scratch), "--output", output_dir, "--precision", precision,
                "--board", board, "--json"]
        if calibration is not None:
            args += ["--calib", _calibration_path(calibration, scratch)]
        if target_fps is not None:
            args += ["--target-fps", float(target_fps)]
        for layer, (pe, simd) in (fold or {}).items():
            args += ["--fold", f"{layer}={int(pe)}x{int(simd)}"]
        if clock_mhz is not None:
            args += ["--clock-mhz", float(clock_mhz)]
        if weights is not None:
            args += ["--weights", weights]
        if force:
            args.append("--force")
        summary = _run(args, "zynqnn compile")
    return Compiled(output_dir, summary)


def _model_path(model, scratch):
    if hasattr(model, "SerializeToString"):  # an onnx.ModelProto (its tensors inline)
        path = Path(scratch) / "model.onnx"
        path.write_bytes(model.SerializeToString())
        return path
    return Path(model)


def _calibration_path(calibration, scratch):
    if isinstance(calibration, (str, os.PathLike)):
        return Path(calibration)
    array = np.ascontiguousarray(calibration, dtype=np.float32)
    path = Path(scratch) / "calibration.npy"
    np.save(path, array)
    return path


def estimate(output_dir):
    """The analytical estimate of a compiled (or generated) folder, as an ``Estimate``."""
    return Estimate(_run(["estimate", output_dir, "--json"], "zynqnn estimate"))


def generate(spec, output_dir, *, build=True, force=False):
    """Generates a kernel project from a spec (a path, or the spec as a dict) into
    ``output_dir``; returns the tool's JSON answer (the files written, ...). Files a dict names
    (e.g. a compute function's source) must be given as absolute paths."""
    with tempfile.TemporaryDirectory(prefix="zynqnn-generate-") as scratch:
        if isinstance(spec, dict):
            path = Path(scratch) / "spec.json"
            path.write_text(json.dumps(spec))
            spec = path
        args = ["generate", spec, "--output", output_dir, "--json"]
        if not build:
            args.append("--no-build")
        if force:
            args.append("--force")
        return _run(args, "zynqnn generate")
