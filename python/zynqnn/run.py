"""``zynqnn.Run``: a call started by ``Accelerator.start()`` (XRT's ``xrt::run`` in Python).

    run = acc.start(x)            # inputs verified and copied in, the call started: returns at once
    prepare_next_batch()          # the PL works meanwhile
    y = run.wait(timeout=0.01)    # the outputs, or None while the call is still running
    if y is None:
        run.abort()               # the caller decides; a wait never aborts
"""
import numpy as np

from ._native import ffi, lib


class Run:
    """One started call. ``wait(timeout)`` returns its outputs (as the one-step call returns
    them) once it has ended, ``None`` while it is still running at the end of the wait; a
    failed call raises as the one-step call does. ``abort()`` stops it. Until it ends, the call
    holds the accelerator: other threads' calls wait for it (each at most its own timeout). A
    Run dropped (or left through ``with``) while its call is running aborts it. One thread at
    a time uses a Run."""

    __slots__ = ("_accelerator", "_pending", "_outputs", "_wires", "_pointers", "_result", "_shape_outputs")

    def __init__(self, accelerator, shape_outputs):
        self._accelerator = accelerator  # keeps the handle alive while the call may run
        self._shape_outputs = shape_outputs
        streams = accelerator._output_list
        self._wires = [np.empty(s.shape, dtype=s.wire_dtype) for s in streams]
        self._pointers = ffi.new("void *[]", [ffi.from_buffer(w) for w in self._wires])
        self._result = ffi.new("zynqnn_call_result *")
        self._pending = True
        self._outputs = None

    @property
    def pending(self):
        """True from the start until a wait returned the call's end or it was aborted."""
        return self._pending

    def wait(self, timeout=None):
        """Waits at most ``timeout`` seconds (default: the accelerator's timeout; 0 only looks),
        with the GIL released. Returns the outputs once the call has ended (again on later
        waits), ``None`` while it is still running."""
        if not self._pending:
            if self._outputs is None:
                raise RuntimeError("the call was aborted or failed: it has no outputs")
            return self._outputs
        acc = self._accelerator
        timeout_ns = acc._timeout_ns if timeout is None else int(timeout * 1e9)
        if timeout_ns < 0:
            raise ValueError(f"timeout must be zero or positive seconds, got {timeout!r}")
        status = lib.zynqnn_wait(acc._live(), timeout_ns, self._pointers, self._result)
        if status == lib.ZYNQNN_PENDING:
            return None
        self._pending = False
        if status != lib.ZYNQNN_OK:
            acc._raise_call_failure(status, self._result)
        self._outputs = self._shape_outputs(acc._decode_outputs(self._wires))
        return self._outputs

    def abort(self):
        """Stops the running call (DMA soft reset) and frees the accelerator for the next call;
        nothing to do once the call has ended. A frame stopped inside the kernel may leave words
        there: ``acc.reconfigure()`` before the next call when they matter."""
        if not self._pending:
            return
        self._pending = False
        acc = self._accelerator
        if not acc._closed:  # a close() aborted it already
            acc._check(lib.zynqnn_abort(acc._handle))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.abort()

    def __del__(self):
        try:
            self.abort()
        except Exception:  # noqa: BLE001 - nothing can be raised from a finalizer
            pass

    def __repr__(self):
        return f"Run({'pending' if self._pending else 'ended'})"
