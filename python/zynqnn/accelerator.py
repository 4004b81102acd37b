"""``zynqnn.Accelerator``: a kernel on a board, called with NumPy arrays."""
import functools
import os

import numpy as np

from . import verify
from ._native import fast_call, ffi, lib
from .dtypes import StreamType
from .errors import DeadlineExceeded, DmaError, Error, ShortOutputError

_INPUT, _OUTPUT = lib.ZYNQNN_INPUT, lib.ZYNQNN_OUTPUT
_FAULTS = ("hang", "stall", "missing_tlast", "extra_words", "corrupt_output", "bus_error")


class Stream:
    """One stream of the manifest: name, shape, element type, and a zero-copy NumPy view of
    its DMA buffer (``buffer``)."""

    __slots__ = ("name", "index", "shape", "type", "bytes", "buffer", "address", "physical_address", "_zeros")

    def __init__(self, info, index, raw_buffer, address, physical_address):
        self.name = ffi.string(info.name).decode()
        self.index = index
        self.shape = tuple(int(info.shape[i]) for i in range(info.rank))
        self.type = StreamType(ffi.string(info.dtype).decode(), int(info.element_bits))
        self.bytes = int(info.bytes)
        elements = int(info.elements)
        self.buffer = np.frombuffer(raw_buffer, dtype=self.type.wire_dtype, count=elements).reshape(self.shape)
        self.address = address  # of the DMA buffer in this process
        self.physical_address = physical_address  # what the DMA uses; 0 if the board does not tell
        self._zeros = {}

    def zeros_like_flat(self, dtype):
        zeros = self._zeros.get(dtype)
        if zeros is None:
            zeros = self._zeros[dtype] = np.zeros(int(np.prod(self.shape)), dtype=dtype)
        return zeros

    @property
    def dtype(self):
        """The NumPy dtype users pass and receive (float64 for fixed-point streams)."""
        return self.type.user_dtype

    def __repr__(self):
        return f"Stream({self.name!r}, shape={self.shape}, dtype={self.type.name})"


def _raise_for(status, result=None):
    message = ffi.string(lib.zynqnn_last_error()).decode(errors="replace")
    name = ffi.string(lib.zynqnn_status_name(status)).decode()
    if status == lib.ZYNQNN_TIMEOUT:
        elapsed = result.elapsed_ns / 1e9 if result is not None else None
        raise DeadlineExceeded(f"deadline exceeded: {message}", elapsed)
    if status == lib.ZYNQNN_DMA_ERROR:
        detail = ffi.string(result.detail).decode(errors="replace") if result is not None else message
        raise DmaError(f"DMA error: {message}", result.dma_status if result is not None else 0, detail)
    if status == lib.ZYNQNN_SHORT_OUTPUT:
        raise ShortOutputError(f"short output: {message}", message)
    raise Error(f"{name}: {message}", name)


def _write_input(stream, value, array):
    """Puts a verified input into the stream's DMA buffer. A buffer from ``pynq.allocate`` (any
    array with ``physical_address``, ``flush``) that *is* the stream's DMA buffer (the same
    physical address, taken as it is) is flushed and used in place: zero-copy. Anything else,
    including a pynq buffer elsewhere in memory, is copied once."""
    physical = getattr(value, "physical_address", None)
    if (physical is not None and array is value and stream.physical_address
            and int(physical) == stream.physical_address):
        flush = getattr(value, "flush", None)
        if flush is not None:
            flush()  # the DMA reads memory, not the CPU's cache
        return
    stream.buffer[...] = array


def _address(cdata):
    return int(ffi.cast("uintptr_t", cdata))


def _board_argument(board):
    """'virtual', a .hwh path, or a loaded pynq.Overlay (its .hwh is used)."""
    if isinstance(board, (str, os.PathLike)):
        return os.fspath(board)
    bitfile = getattr(board, "bitfile_name", None)
    if bitfile:
        return os.path.splitext(bitfile)[0] + ".hwh"
    raise TypeError(f"board must be 'virtual', the path of a .hwh, or a pynq.Overlay; got {type(board).__name__}")


class Accelerator:
    """A kernel described by ``manifest`` (a generated manifest.json) on ``board``.

    ``acc(x)`` calls a one-input kernel; ``acc.run(name=array, ...)`` any kernel. Inputs are
    verified first (see ``zynqnn.verify`` for the casting rules); outputs are new arrays shaped
    and typed as the manifest says. ``timeout`` is the deadline of each call in seconds.
    """

    def __init__(self, manifest, board="virtual", *, timeout=1.0, lossy=False):
        self._handle = None
        self._fast = None
        if not (timeout > 0):
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        handle = ffi.new("zynqnn_accelerator **")
        status = lib.zynqnn_open(os.fsencode(os.fspath(manifest)), os.fsencode(_board_argument(board)), handle)
        if status != lib.ZYNQNN_OK:
            _raise_for(status)
        self._handle = handle[0]
        self._timeout_ns = int(timeout * 1e9)
        self._lossy = bool(lossy)
        self._result = ffi.new("zynqnn_call_result *")
        self.inputs = self._streams(_INPUT)
        self.outputs = self._streams(_OUTPUT)
        self._input_list = list(self.inputs.values())
        self._output_list = list(self.outputs.values())
        self._fast = self._make_fast_call()

    def _make_fast_call(self):
        """The C fast path of ``__call__`` (zynqnn._fast_call), for a kernel with one input and
        one output of integer or float32 elements; None without the extension."""
        if fast_call is None or len(self._input_list) != 1 or len(self._output_list) != 1:
            return None
        source, result = self._input_list[0], self._output_list[0]
        if source.type.kind == "fixed" or result.type.kind == "fixed":
            return None  # real numbers are converted to and from the wire by verify.py
        element_format = memoryview(np.empty(source.shape, dtype=source.type.user_dtype)).format
        return fast_call.FastCall(
            _address(lib.zynqnn_run), _address(self._handle), _address(self._result), self._timeout_ns,
            np.ndarray, element_format, source.buffer.itemsize, source.shape, source.address, source.buffer.nbytes,
            source.type.kind == "float", result.buffer.copy, functools.partial(_raise_for, result=self._result),
            self._result)

    def _streams(self, direction):
        count = ffi.new("size_t *")
        self._check(lib.zynqnn_stream_count(self._handle, direction, count))
        streams = {}
        for index in range(count[0]):
            info = ffi.new("zynqnn_stream_info *")
            self._check(lib.zynqnn_stream_info_get(self._handle, direction, index, info))
            data, size = ffi.new("void **"), ffi.new("size_t *")
            self._check(lib.zynqnn_stream_buffer(self._handle, direction, index, data, size))
            stream = Stream(info, index, ffi.buffer(data[0], size[0]), _address(data[0]),
                            self._physical_address(direction, index))
            streams[stream.name] = stream
        return streams

    def _physical_address(self, direction, index):
        try:
            query = lib.zynqnn_stream_physical_address
        except AttributeError:  # a library older than the function: every input is copied
            return 0
        physical = ffi.new("uint64_t *")
        self._check(query(self._handle, direction, index, physical))
        return int(physical[0])

    @staticmethod
    def _check(status):
        if status != lib.ZYNQNN_OK:
            _raise_for(status)

    def _live(self):
        if self._handle is None:
            raise Error("the accelerator is closed", "bad_state")
        return self._handle

    # --- calls ---
    def __call__(self, x, *, timeout=None, lossy=None):
        """One call of a kernel with one input; returns the output array (a new array; a dict
        when the kernel has several outputs)."""
        fast = self._fast
        if fast is not None and timeout is None:
            y = fast(x)  # None unless x needs only a copy (its dtype, shape, C order, finite)
            if y is not None:
                return y
        return self._call(x, timeout, lossy)

    def _call(self, x, timeout, lossy):
        self._live()  # before any buffer is touched: a closed accelerator's buffers are freed
        if len(self._input_list) != 1:
            names = ", ".join(self.inputs)
            raise TypeError(f"this kernel has {len(self._input_list)} inputs ({names}): use run(name=array, ...)")
        stream = self._input_list[0]
        _write_input(stream, x, verify.prepare_input(stream, x, self._lossy if lossy is None else lossy))
        self._run_in_place(timeout)
        if len(self._output_list) == 1:
            out = self._output_list[0]
            return verify.decode_output(out, out.buffer)
        return {s.name: verify.decode_output(s, s.buffer) for s in self._output_list}

    def run(self, *, timeout=None, lossy=None, **inputs):
        """One call with every input stream named; returns {output name: array}."""
        self._live()
        lossy = self._lossy if lossy is None else lossy
        missing = [name for name in self.inputs if name not in inputs]
        extra = [name for name in inputs if name not in self.inputs]
        if missing or extra:
            raise TypeError(f"inputs must be exactly {list(self.inputs)}; missing {missing}, unknown {extra}")
        prepared = [(self.inputs[name], value, verify.prepare_input(self.inputs[name], value, lossy))
                    for name, value in inputs.items()]  # verify everything before writing anything
        for stream, value, array in prepared:
            _write_input(stream, value, array)
        self._run_in_place(timeout)
        return {s.name: verify.decode_output(s, s.buffer) for s in self._output_list}

    def run_in_place(self, timeout=None):
        """One call on whatever is in the input buffers (``acc.inputs[name].buffer``): the
        zero-copy path. Outputs stay in ``acc.outputs[name].buffer`` until the next call."""
        self._run_in_place(timeout)

    def _run_in_place(self, timeout):
        timeout_ns = self._timeout_ns if timeout is None else int(timeout * 1e9)
        if timeout_ns <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        status = lib.zynqnn_run(self._live(), timeout_ns, self._result)
        if status != lib.ZYNQNN_OK:
            _raise_for(status, self._result)

    # --- recovery and inspection ---
    def abort(self):
        """Stops in-flight transfers (DMA soft reset) and re-initialises the driver."""
        self._check(lib.zynqnn_abort(self._live()))

    def reconfigure(self):
        """Reloads the programmable logic and re-initialises the drivers."""
        self._check(lib.zynqnn_reconfigure(self._live()))

    def inject_fault(self, kind, persistent=False):
        """Virtual board only: make the next frame (or every frame until reconfigure) fail."""
        if kind not in _FAULTS:
            raise ValueError(f"fault kind must be one of {_FAULTS}, got {kind!r}")
        self._check(lib.zynqnn_inject_fault(self._live(), kind.encode(), int(bool(persistent))))

    def stats(self):
        stats = ffi.new("zynqnn_stats *")
        self._check(lib.zynqnn_stats_get(self._live(), stats))
        return {name: getattr(stats, name) for name, _ in ffi.typeof(stats[0]).fields}

    def close(self):
        """Releases the buffers and the board. The array views of the buffers must not be used after."""
        if self._handle is not None:
            if self._fast is not None:
                self._fast.detach()
                self._fast = None
            for stream in self._input_list + self._output_list:
                stream.buffer = None  # the memory behind these views is released below
            lib.zynqnn_close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def __repr__(self):
        state = "closed" if self._handle is None else "open"
        return f"Accelerator(inputs={list(self.inputs.values())}, outputs={list(self.outputs.values())}, {state})"
