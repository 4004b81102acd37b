"""``zynqnn.Model``: a compiled network called with the ONNX model's own inputs.

    with zynqnn.Model("out") as model:             # the folder `zynqnn compile` wrote
        scores = model.predict(images)             # float32 NCHW, any batch size

The host part is the runtime's network runner (the C ABI's compiled-network section): the PS
operators before the PL, quantization with the plan's scales, NCHW -> stream order, then after
the PL the way back and the PS operators after it (a Softmax head, ...). The PL part runs on
``model.accelerator`` (a ``zynqnn.Accelerator``), through ``model.watchdog`` once
``model.watch(...)`` has made one, so faults, recovery and counters are the accelerator's.
"""
import os
import threading
import weakref

import numpy as np

from . import verify
from .model_inputs import model_input
from ._native import ffi, lib
from .accelerator import Accelerator, _raise_for
from .errors import Error
from .watchdog import CallNotAnswered, Watchdog, WatchdogResult

_INPUT, _OUTPUT = lib.ZYNQNN_INPUT, lib.ZYNQNN_OUTPUT
_INTEGER_KINDS = "biu"


class Value:
    """A network input or output as the ONNX model declares it."""

    __slots__ = ("name", "dtype", "shape")

    def __init__(self, raw):
        self.name = ffi.string(raw.name).decode()
        self.dtype = np.dtype(ffi.string(raw.dtype).decode())
        self.shape = tuple(int(raw.shape[i]) for i in range(raw.rank)) if raw.shape != ffi.NULL else None

    def __repr__(self):
        return f"Value({self.name!r}, shape={self.shape}, dtype={self.dtype})"


def _network_error(status):
    message = ffi.string(lib.zynqnn_last_error()).decode(errors="replace")
    return Error(f"{ffi.string(lib.zynqnn_status_name(status)).decode()}: {message}",
                 ffi.string(lib.zynqnn_status_name(status)).decode())


def _weak_step(model):
    """The PL step calling back into ``model`` without keeping it alive (no reference cycle:
    a model is freed as soon as its last reference goes)."""
    ref = weakref.ref(model)

    def step(*args):
        target = ref()
        return target._pl_step(*args) if target is not None else lib.ZYNQNN_BAD_STATE
    return step


class Model:
    """A compiled network (the output folder of ``zynqnn compile``) on a board.

    ``predict(x)`` takes the model's inputs as the ONNX model declares them (float32, NCHW),
    with any number of samples along the first axis (the model's batch size each run), and
    returns its outputs (one array, or {name: array} for several). ``board``: "virtual" or the
    design's .hwh (as ``zynqnn.Accelerator``); ``timeout``: seconds per accelerator call.
    """

    def __init__(self, output_dir, board="virtual", *, timeout=1.0):
        self._handle = None
        self.accelerator = None
        self.watchdog = None
        self._per_thread = threading.local()  # this thread's PL step: the exception that ended it, its watchdog result
        self._timeout_ns = int(timeout * 1e9)
        if self._timeout_ns <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        self._step = ffi.callback("zynqnn_network_pl_step", _weak_step(self), error=lib.ZYNQNN_INTERNAL)
        handle = ffi.new("zynqnn_network **")
        status = lib.zynqnn_network_open_stepped(str(output_dir).encode(), self._step, ffi.NULL, handle)
        if status != lib.ZYNQNN_OK:
            raise _network_error(status)
        self._handle = handle[0]
        self.inputs = self._values(_INPUT)
        self.outputs = self._values(_OUTPUT)
        self._in, self._out = list(self.inputs.values()), list(self.outputs.values())
        manifest = f"{output_dir}/manifest.json"
        if os.path.isfile(manifest):
            self.accelerator = Accelerator(manifest, board=board, timeout=timeout)

    def _values(self, direction):
        count = ffi.new("size_t *")
        self._check(lib.zynqnn_network_count(self._handle, direction, count))
        values = {}
        raw = ffi.new("zynqnn_network_value *")
        for index in range(count[0]):
            self._check(lib.zynqnn_network_value_get(self._handle, direction, index, raw))
            value = Value(raw)
            if value.shape is None:
                raise Error(f"'{value.name}': its shape is known only at run time; a compiled network needs fixed "
                            "shapes", "unsupported")
            values[value.name] = value
        return values

    @staticmethod
    def _check(status):
        if status != lib.ZYNQNN_OK:
            raise _network_error(status)

    # --- the PL step, called by the runtime inside zynqnn_network_run ---
    def _pl_step(self, _user, input_count, inputs, _input_bytes, output_count, outputs, _output_bytes):
        try:
            if self.watchdog is not None:
                result = self.watchdog._process_buffers(self.watchdog._live(), inputs, outputs)
                if not result.delivered:
                    self._per_thread.watched = failed = self.watchdog._failed(result)
                    raise CallNotAnswered(failed.failure)
                self._per_thread.watched = WatchdogResult(result, None, None)
                return lib.ZYNQNN_OK
            if self.accelerator is None:
                raise Error("the network has a PL part but the folder has no manifest.json", "not_found")
            call = ffi.new("zynqnn_call_result *")
            status = lib.zynqnn_run_buffers(self.accelerator._live(), inputs, outputs, self._timeout_ns, call)
            if status != lib.ZYNQNN_OK:
                if status in (lib.ZYNQNN_TIMEOUT, lib.ZYNQNN_DMA_ERROR, lib.ZYNQNN_SHORT_OUTPUT):
                    lib.zynqnn_abort(self.accelerator._live())  # the next run starts from a clean engine
                _raise_for(status, call, self.accelerator._closed)
            return lib.ZYNQNN_OK
        except BaseException as error:  # noqa: BLE001 - raised again by predict, never into C
            self._per_thread.value = error
            return getattr(lib, "ZYNQNN_" + getattr(error, "status", "internal").upper(), lib.ZYNQNN_INTERNAL)

    # --- calls ---
    def predict(self, x=None, **named):
        """The model's outputs for a batch of inputs: ``predict(x)`` for a one-input model,
        ``predict(name=array, ...)`` otherwise. Every input is checked (dtype, shape, layout,
        finite values) before anything runs."""
        batches = self._prepare(x, named)
        samples = len(batches[0])
        results = [np.empty((samples,) + v.shape, dtype=np.float32) for v in self._out]
        in_sizes = ffi.new("size_t[]", [batch[0].nbytes for batch in batches])
        out_sizes = ffi.new("size_t[]", [r[0].nbytes for r in results])
        for k in range(samples):
            in_pointers = ffi.new("float *[]", [ffi.from_buffer("float[]", batch[k]) for batch in batches])
            out_pointers = ffi.new("float *[]", [ffi.from_buffer("float[]", r[k]) for r in results])
            self._per_thread.value = None
            status = lib.zynqnn_network_run(self._live(), len(batches), in_pointers, in_sizes, len(results),
                                            out_pointers, out_sizes)
            if status != lib.ZYNQNN_OK:
                error = self._per_thread.value
                if error is not None:
                    raise error
                raise _network_error(status)
        outputs = {v.name: self._unbatch(v, r) for v, r in zip(self._out, results)}
        return next(iter(outputs.values())) if len(outputs) == 1 else outputs

    @property
    def last_watchdog_result(self):
        """This thread's last PL call under the watchdog as a ``zynqnn.WatchdogResult``
        (outcome, latency, actions, ...; ``outputs`` None: the answer is what predict returned),
        None before the first one."""
        return getattr(self._per_thread, "watched", None)

    def __call__(self, x=None, **named):
        return self.predict(x, **named)

    def _prepare(self, x, named):
        if x is not None and named:
            raise TypeError("give the input either positionally or by name, not both")
        if x is not None:
            if len(self._in) != 1:
                raise TypeError(f"this model has {len(self._in)} inputs ({', '.join(self.inputs)}): "
                                "use predict(name=array, ...)")
            named = {self._in[0].name: x}
        missing = [v.name for v in self._in if v.name not in named]
        extra = [name for name in named if name not in self.inputs]
        if missing or extra:
            raise TypeError(f"inputs must be exactly {list(self.inputs)}; missing {missing}, unknown {extra}")
        batches = [model_input(v, named[v.name]) for v in self._in]
        counts = {len(b) for b in batches}
        if len(counts) != 1:
            raise ValueError(f"every input needs the same number of runs of the model's batch, got "
                             f"{[len(b) for b in batches]}")
        return batches

    @staticmethod
    def _unbatch(value, runs):
        array = runs.reshape((-1,) + value.shape[1:]) if value.shape else runs
        if value.dtype.kind in _INTEGER_KINDS:
            array = array.astype(value.dtype)
        return array

    # --- the watchdog ---
    def watch(self, calibration=None, **config):
        """Puts the watchdog (``zynqnn.Watchdog``, docs/watchdog.md) around every PL call of the
        model. ``calibration``: model inputs (as ``predict`` takes them) whose PL frames
        calibrate the threshold; other keywords are the Watchdog's (``policy``,
        ``threshold_ns``, ``calibrate``, ...). Returns the watchdog."""
        if self.accelerator is None:
            raise Error("the network has no PL part: there is nothing to watch", "unsupported")
        if self.watchdog is not None:
            self.watchdog.close()
        if calibration is not None:
            frames = self.pl_frames(calibration)
            config.setdefault("calibrate", len(next(iter(frames.values()))))
            config["calibration_inputs"] = frames
        self.watchdog = Watchdog(self.accelerator, **config)
        return self.watchdog

    def pl_frames(self, x=None, **named):
        """What the PL receives for these model inputs: {stream name: array of frames}, each
        frame in the stream's values (int8 after quantization, ...), without running the PL."""
        if self.accelerator is None:
            raise Error("the network has no PL part", "unsupported")
        batches = self._prepare(x, named)
        streams = list(self.accelerator.inputs.values())
        frames = {s.name: np.empty((len(batches[0]),) + s.shape, dtype=s.type.wire_dtype) for s in streams}
        in_sizes = ffi.new("size_t[]", [batch[0].nbytes for batch in batches])
        pl_sizes = ffi.new("size_t[]", [s.bytes for s in streams])
        for k in range(len(batches[0])):
            in_pointers = ffi.new("float *[]", [ffi.from_buffer("float[]", batch[k]) for batch in batches])
            pl_pointers = ffi.new("void *[]", [ffi.from_buffer(frames[s.name][k]) for s in streams])
            self._check(lib.zynqnn_network_encode(self._live(), len(batches), in_pointers, in_sizes, len(streams),
                                                  pl_pointers, pl_sizes))
        return {s.name: (verify.decode_output(s, frames[s.name]) if s.type.kind == "fixed" else frames[s.name])
                for s in streams}

    # --- lifetime ---
    def _live(self):
        if self._handle is None:
            raise Error("the model is closed", "bad_state")
        return self._handle

    def close(self):
        """Closes the watchdog, the network and the accelerator."""
        if self.watchdog is not None:
            self.watchdog.close()
        if self._handle is not None:
            lib.zynqnn_network_close(self._handle)
            self._handle = None
        if self.accelerator is not None:
            self.accelerator.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            lib.zynqnn_network_close(self._handle)
            self._handle = None

    def __repr__(self):
        inputs = ", ".join(f"{v.name}{list(v.shape)}" for v in self._in) if self._handle else "closed"
        return f"Model({inputs})"
