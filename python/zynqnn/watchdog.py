"""``zynqnn.Watchdog``: an accelerator kept answering by the C++ watchdog (docs/watchdog.md).

    with zynqnn.Accelerator("out/manifest.json", board="virtual") as acc, \\
         zynqnn.Watchdog(acc, policy="fixed", calibrate=500, jsonl="alarms.jsonl") as wd:
        result = wd(x)                    # verified like acc(x), then watched
        if result.delivered:
            y = result.output             # NumPy, shaped and typed per the manifest
        else:
            print(result.failure)         # index, outcome, attempts, actions, time, detail

Every call is timed on the board's clock and classified (ok, slow, hang, dma_error,
bad_output, canary_mismatch); a failed attempt climbs the recovery ladder (abort ->
reconfigure -> retry). A result either carries verified outputs or is a failure record: never
a partial result presented as good, no input silently lost.
"""
import json
import os

import numpy as np

from . import verify
from ._native import ffi, lib
from .errors import ClosedError, Error

__all__ = ["Watchdog", "WatchdogResult", "FailureRecord", "CallNotAnswered", "WatchdogConfigError", "OUTCOMES"]

OUTCOMES = ("ok", "slow", "hang", "dma_error", "bad_output", "canary_mismatch")
_NOT_RUN = (1 << 64) - 1  # result.index before a call: still there means the call never ran


class WatchdogConfigError(Error, ValueError):
    """The watchdog's configuration was refused (the message names the field)."""


class CallNotAnswered(Error):
    """The outputs of a call the watchdog could not answer were asked for; ``failure`` is its record."""

    def __init__(self, failure):
        super().__init__(f"call {failure.index} was not answered ({failure.outcome}): {failure.detail}",
                         "bad_state")
        self.failure = failure


def _text(char_array):
    return ffi.string(char_array).decode(errors="replace")


def _actions(count, codes):
    return tuple(ffi.string(lib.zynqnn_action_name(codes[i])).decode() for i in range(min(count, len(codes))))


def _error(status, config=False, closed=False):
    message = ffi.string(lib.zynqnn_last_error()).decode(errors="replace")
    name = ffi.string(lib.zynqnn_status_name(status)).decode()
    if closed and status == lib.ZYNQNN_BAD_STATE:
        return ClosedError(f"the watchdog is closed: {message}")
    if config and status == lib.ZYNQNN_INVALID_ARGUMENT:
        return WatchdogConfigError(message, name)
    return Error(f"{name}: {message}", name)


class FailureRecord:
    """A call the watchdog could not answer."""

    __slots__ = ("index", "outcome", "attempts", "actions", "time_ns", "detail")

    def __init__(self, index, outcome, attempts, actions, time_ns, detail):
        self.index, self.outcome, self.attempts = index, outcome, attempts
        self.actions, self.time_ns, self.detail = actions, time_ns, detail

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __repr__(self):
        return (f"FailureRecord(index={self.index}, outcome={self.outcome!r}, attempts={self.attempts}, "
                f"actions={list(self.actions)}, detail={self.detail!r})")


class WatchdogResult:
    """One watched call: what happened, and either the verified outputs or the failure record.

    ``outputs`` is {name: array} when ``delivered``, else None (and ``failure`` is set);
    ``output`` is the only output of a one-output kernel, and raises ``CallNotAnswered`` when
    the call was not answered."""

    __slots__ = ("index", "outcome", "delivered", "fallback", "canary", "attempts", "actions", "latency_ns",
                 "elapsed_ns", "recovery_ns", "threshold_ns", "detail", "outputs", "failure")

    def __init__(self, raw, outputs, failure):
        self.index = int(raw.index)
        self.outcome = OUTCOMES[raw.outcome]
        self.delivered = bool(raw.delivered)
        self.fallback = bool(raw.fallback)
        self.canary = OUTCOMES[raw.canary] if raw.canary >= 0 else None
        self.attempts = int(raw.attempts)
        self.actions = _actions(raw.action_count, raw.actions)
        self.latency_ns = int(raw.latency_ns)
        self.elapsed_ns = int(raw.elapsed_ns)
        self.recovery_ns = int(raw.recovery_ns)
        self.threshold_ns = int(raw.threshold_ns)
        self.detail = _text(raw.detail)
        self.outputs = outputs if self.delivered else None
        self.failure = failure

    @property
    def anomaly(self):
        """Anything but a plain ok call: the call's own outcome or a failed canary before it."""
        return self.outcome != "ok" or (self.canary is not None and self.canary != "ok")

    @property
    def output(self):
        if not self.delivered:
            raise CallNotAnswered(self.failure)
        if len(self.outputs) != 1:
            raise TypeError(f"this kernel has {len(self.outputs)} outputs ({', '.join(self.outputs)}): use outputs")
        return next(iter(self.outputs.values()))

    def as_dict(self):
        """The record without the arrays (for logs and traces)."""
        record = {name: getattr(self, name) for name in self.__slots__ if name not in ("outputs", "failure")}
        record["actions"] = list(self.actions)
        return record

    def __repr__(self):
        state = "delivered" + (" by the CPU fallback" if self.fallback else "") if self.delivered else "NOT answered"
        return (f"WatchdogResult(index={self.index}, outcome={self.outcome!r}, {state}, attempts={self.attempts}, "
                f"actions={list(self.actions)})")


def _count(name, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise WatchdogConfigError(f"{name} must be an integer >= {minimum}, got {value!r}", "invalid_argument")
    return int(value)


def _number(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value >= minimum:
        raise WatchdogConfigError(f"{name} must be a number >= {minimum}, got {value!r}", "invalid_argument")
    return float(value)


class Watchdog:
    """The C++ watchdog around an open ``zynqnn.Accelerator``.

    Threshold (one source): ``threshold_ns`` (an expert's), or ``calibrate=N`` calls now (on
    ``calibration_inputs`` when given: an array of samples for a one-input kernel, stacked on a
    first axis, or {name: stacked array}; else a synthetic pattern), saved as calibration.json
    next to the manifest (or ``calibration_file``) and reused there while kernel and manifest
    match (``recalibrate=True`` forces a new one); with neither, the stored calibration must
    exist.

    ``policy``: "none" (observe and record only), "fixed" (deadline, abort -> reconfigure ->
    retry) or "adaptive" (fixed + canary, drift detector, bounded adaptation). Other keywords
    override the policy's defaults: ``deadline_factor``, ``retries``, ``escalate_after`` (K),
    ``canary_interval``, ``detector``, ``detector_cooldown``, ``adaptation``,
    ``adaptation_cap``, ``adaptation_after``, ``mad_multiplier``, ``min_margin``,
    ``fallback`` (answer from the CPU while the PL is down, where a CPU fallback exists),
    ``pl_probe_interval``. Alarm sinks: ``jsonl`` (path), ``syslog``, ``mqtt`` ("host:port")
    with ``mqtt_topic``, ``on_alarm`` (a callable receiving each event as a dict).

    Threads may share one watchdog: watched calls run one at a time (each holds the
    accelerator's lock from its first attempt to the copy of its answer, the GIL released),
    and each thread gets its own answer. ``close()`` waits for the call in flight; later calls
    raise ``ClosedError``.
    """

    def __init__(self, accelerator, *, policy="fixed", threshold_ns=None, calibrate=None, calibration_inputs=None,
                 calibration_file=None, recalibrate=False, save_calibration=True, deadline_factor=None,
                 retries=None, escalate_after=None, canary_interval=None, detector=None, detector_cooldown=None,
                 adaptation=None, adaptation_cap=None, adaptation_after=None, mad_multiplier=None,
                 min_margin=None, fallback=False, pl_probe_interval=None, jsonl=None, syslog=False, mqtt=None,
                 mqtt_topic=None, on_alarm=None, kernel=None, lossy=None):
        self._handle = None
        self._closed = True
        self.accelerator = accelerator
        handle = getattr(accelerator, "_handle", None)
        if handle is None or getattr(accelerator, "_closed", True):
            raise ClosedError("the accelerator is closed (or not a zynqnn.Accelerator)")
        if not isinstance(policy, str):
            raise WatchdogConfigError(f"policy must be 'none', 'fixed' or 'adaptive', got {policy!r}",
                                      "invalid_argument")
        self._lossy = bool(getattr(accelerator, "_lossy", False) if lossy is None else lossy)
        self._in = list(accelerator.inputs.values())
        self._out = list(accelerator.outputs.values())
        keep = []  # C strings and buffers that must outlive zynqnn_watchdog_create

        def c_string(value):
            if value is None:
                return ffi.NULL
            data = ffi.new("char[]", os.fsencode(os.fspath(value)) if not isinstance(value, str) else value.encode())
            keep.append(data)
            return data

        config = ffi.new("zynqnn_watchdog_config *")
        status = lib.zynqnn_watchdog_config_init(config, policy.encode())
        if status != lib.ZYNQNN_OK:
            raise _error(status, config=True)
        config.policy = c_string(policy)
        if threshold_ns is not None:
            if isinstance(threshold_ns, bool) or not isinstance(threshold_ns, (int, np.integer)):
                raise WatchdogConfigError(f"threshold_ns must be an integer number of nanoseconds, got "
                                          f"{threshold_ns!r}", "invalid_argument")
            config.threshold_ns = int(threshold_ns)  # a negative one is refused by the C++ check, by name
        if calibrate is not None:
            config.calibrate_calls = _count("calibrate", calibrate, 1)
        config.reuse_calibration = 0 if recalibrate else 1
        config.save_calibration = 1 if save_calibration else 0
        config.calibration_path = c_string(calibration_file)
        config.kernel = c_string(kernel)
        if calibration_inputs is not None:
            samples, pointers = self._calibration_samples(calibration_inputs)
            keep.extend(samples)
            keep.append(pointers)
            config.calibration_samples = len(samples[0])
            config.calibration_inputs = pointers
        for name, value, field in (("retries", retries, "max_retries"), ("escalate_after", escalate_after, None),
                                   ("canary_interval", canary_interval, None),
                                   ("detector_cooldown", detector_cooldown, "detector_cooldown_calls"),
                                   ("adaptation_after", adaptation_after, None),
                                   ("pl_probe_interval", pl_probe_interval, None)):
            if value is not None:
                setattr(config, field or name, _count(name, value))
        for name, value, minimum in (("deadline_factor", deadline_factor, 1.0), ("adaptation_cap", adaptation_cap, 1.0),
                                     ("mad_multiplier", mad_multiplier, 0.0), ("min_margin", min_margin, 0.0)):
            if value is not None:
                setattr(config, name, _number(name, value, minimum))
        for name, value in (("detector", detector), ("adaptation", adaptation)):
            if value is not None:
                setattr(config, name, 1 if value else 0)
        config.use_fallback = 1 if fallback else 0
        config.jsonl_path = c_string(jsonl)
        config.syslog = 1 if syslog else 0
        config.mqtt_endpoint = c_string(mqtt)
        config.mqtt_topic = c_string(mqtt_topic)
        self.alarm_errors = []  # exceptions raised by on_alarm (they must not stop the watchdog)
        self._callback = None
        if on_alarm is not None:
            if not callable(on_alarm):
                raise WatchdogConfigError("on_alarm must be callable", "invalid_argument")
            self._callback = ffi.callback("zynqnn_alarm_callback", self._alarm_trampoline(on_alarm))
            config.callback = self._callback
        out = ffi.new("zynqnn_watchdog **")
        status = lib.zynqnn_watchdog_create(handle, config, out)
        if status != lib.ZYNQNN_OK:
            raise _error(status, config=True)
        self._handle = out[0]
        self._closed = False
        self._in_names = [ffi.new("char[]", s.name.encode()) for s in self._in]
        self._out_names = [ffi.new("char[]", s.name.encode()) for s in self._out]
        self._in_name_array = ffi.new("char *[]", self._in_names)
        self._out_name_array = ffi.new("char *[]", self._out_names)
        self._in_sizes = ffi.new("size_t[]", [s.bytes for s in self._in])
        self._out_sizes = ffi.new("size_t[]", [s.bytes for s in self._out])

    def _alarm_trampoline(self, on_alarm):
        errors = self.alarm_errors

        def trampoline(event_json, _user):
            try:
                on_alarm(json.loads(ffi.string(event_json).decode(errors="replace")))
            except Exception as error:  # noqa: BLE001 - reported in alarm_errors, never raised into C
                errors.append(error)
        return trampoline

    def _calibration_samples(self, calibration_inputs):
        """Each input stream's samples, verified like a call's input, as one contiguous wire array."""
        if isinstance(calibration_inputs, dict):
            named = calibration_inputs
        elif len(self._in) == 1:
            named = {self._in[0].name: calibration_inputs}
        else:
            raise TypeError(f"this kernel has {len(self._in)} inputs: give calibration_inputs as {{name: samples}}")
        missing = [s.name for s in self._in if s.name not in named]
        extra = [name for name in named if name not in self.accelerator.inputs]
        if missing or extra:
            raise TypeError(f"calibration_inputs must name exactly {[s.name for s in self._in]}; missing {missing}, "
                            f"unknown {extra}")
        stacks, counts = [], set()
        for stream in self._in:
            values = named[stream.name]
            if len(values) == 0:
                raise ValueError(f"calibration_inputs['{stream.name}'] holds no sample")
            stack = np.empty((len(values),) + stream.shape, dtype=stream.type.wire_dtype)
            for k, sample in enumerate(values):
                stack[k] = verify.prepare_input(stream, sample, self._lossy)
            stacks.append(stack)
            counts.add(len(values))
        if len(counts) != 1:
            raise ValueError(f"calibration_inputs: every stream needs the same number of samples, got {sorted(counts)}")
        pointers = ffi.new("void *[]", [ffi.from_buffer(stack) for stack in stacks])
        return stacks, pointers

    # --- calls ---
    def _live(self):
        if self._closed:
            raise ClosedError("the watchdog is closed")
        return self._handle

    def __call__(self, x, *, lossy=None):
        """One watched call of a kernel with one input."""
        if len(self._in) != 1:
            names = ", ".join(s.name for s in self._in)
            raise TypeError(f"this kernel has {len(self._in)} inputs ({names}): use run(name=array, ...)")
        return self._process([verify.prepare_input(self._in[0], x, self._lossy if lossy is None else lossy)])

    def run(self, *, lossy=None, **inputs):
        """One watched call with every input stream named."""
        lossy = self._lossy if lossy is None else lossy
        names = [s.name for s in self._in]
        missing = [name for name in names if name not in inputs]
        extra = [name for name in inputs if name not in names]
        if missing or extra:
            raise TypeError(f"inputs must be exactly {names}; missing {missing}, unknown {extra}")
        return self._process([verify.prepare_input(s, inputs[s.name], lossy) for s in self._in])

    def _process(self, prepared):
        handle = self._live()
        # Per call (threads may share the watchdog): the pointer arrays, the outputs, the result.
        in_pointers = ffi.new("void *[]", [ffi.from_buffer(array) for array in prepared])
        outputs = [np.empty(s.shape, dtype=s.type.wire_dtype) for s in self._out]
        out_pointers = ffi.new("void *[]", [ffi.from_buffer(array) for array in outputs])
        result = self._process_buffers(handle, in_pointers, out_pointers)
        if result.delivered:
            decoded = {s.name: (verify.decode_output(s, a) if s.type.kind == "fixed" else a)
                       for s, a in zip(self._out, outputs)}
            return WatchdogResult(result, decoded, None)
        return self._failed(result)

    def _process_buffers(self, handle, in_pointers, out_pointers):
        """One watched call on wire buffers in stream order (each of the stream's byte count);
        returns the raw result, or raises when the call was refused before anything ran."""
        result = ffi.new("zynqnn_watchdog_result *")
        result.index = _NOT_RUN
        status = lib.zynqnn_watchdog_process(handle, len(self._in), self._in_name_array, in_pointers,
                                             self._in_sizes, len(self._out), self._out_name_array,
                                             out_pointers, self._out_sizes, result)
        if result.index == _NOT_RUN:  # refused before anything ran
            raise _error(status, closed=self._closed)
        return result

    def _failed(self, result):
        """The WatchdogResult of a call that was not answered, with its failure record."""
        # Other threads' failures may have come after this one's: its record is found by index.
        failure = next((f for f in reversed(self.failures()) if f.index == result.index), None)
        if failure is None:
            raise Error(f"call {int(result.index)} was not delivered and has no failure record", "internal")
        return WatchdogResult(result, None, failure)

    # --- inspection ---
    def counters(self):
        raw = ffi.new("zynqnn_watchdog_counters *")
        status = lib.zynqnn_watchdog_counters_get(self._live(), raw)
        if status != lib.ZYNQNN_OK:
            raise _error(status)
        counters = {name: int(getattr(raw, name)) for name, _ in ffi.typeof(raw[0]).fields if name != "outcomes"}
        counters["pl_down"] = bool(counters["pl_down"])
        counters["outcomes"] = {name: int(raw.outcomes[k]) for k, name in enumerate(OUTCOMES)}
        return counters

    def failures(self):
        count = ffi.new("size_t *")
        status = lib.zynqnn_watchdog_failure_count(self._live(), count)
        if status != lib.ZYNQNN_OK:
            raise _error(status)
        raw = ffi.new("zynqnn_watchdog_failure *")
        records = []
        for k in range(count[0]):
            status = lib.zynqnn_watchdog_failure_get(self._handle, k, raw)
            if status != lib.ZYNQNN_OK:
                raise _error(status)
            records.append(FailureRecord(int(raw.index), OUTCOMES[raw.outcome], int(raw.attempts),
                                         _actions(raw.action_count, raw.actions), int(raw.time_ns), _text(raw.detail)))
        return records

    @property
    def threshold_ns(self):
        return self.counters()["threshold_ns"]

    @property
    def deadline_ns(self):
        return self.counters()["deadline_ns"]

    @property
    def pl_down(self):
        return self.counters()["pl_down"]

    def calibration(self):
        """The calibration in use as a dict, or None when the threshold is an expert's."""
        raw = ffi.new("zynqnn_watchdog_calibration *")
        status = lib.zynqnn_watchdog_calibration_get(self._live(), raw)
        if status != lib.ZYNQNN_OK:
            raise _error(status)
        if not raw.available:
            return None
        return {name: (float(getattr(raw, name)) if name == "log_sigma" else int(getattr(raw, name)))
                for name, _ in ffi.typeof(raw[0]).fields if name != "available"}

    def save_calibration(self, path=None):
        """Stores the calibration in use (default: calibration.json next to the manifest)."""
        data = ffi.NULL if path is None else ffi.new("char[]", os.fsencode(os.fspath(path)))
        status = lib.zynqnn_watchdog_save_calibration(self._live(), data)
        if status != lib.ZYNQNN_OK:
            raise _error(status)

    # --- lifetime ---
    def close(self):
        """Waits for the watched call in flight; later calls from any thread raise ``ClosedError``
        (the accelerator stays open)."""
        if self._closed:
            return
        self._closed = True
        # The handle stays valid for threads still inside a call; __del__ frees it.
        status = lib.zynqnn_watchdog_shutdown(self._handle)
        if status != lib.ZYNQNN_OK:
            raise _error(status)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            self._closed = True
            lib.zynqnn_watchdog_destroy(self._handle)  # nothing can call any more
            self._handle = None

    def __repr__(self):
        if self._closed:
            return "Watchdog(closed)"
        n = self.counters()
        return f"Watchdog(threshold_ns={n['threshold_ns']}, calls={n['calls']}, failures={n['failures']})"
