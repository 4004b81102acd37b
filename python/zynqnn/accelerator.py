"""``zynqnn.Accelerator``: a kernel on a board, called with NumPy arrays."""
import functools
import os
import threading
import weakref

import numpy as np

from . import verify
from ._native import fast_call, ffi, lib
from .run import Run
from .dtypes import StreamType
from .errors import ClosedError, DeadlineExceeded, DmaError, Error, ShortOutputError

_INPUT, _OUTPUT = lib.ZYNQNN_INPUT, lib.ZYNQNN_OUTPUT
_FAULTS = ("hang", "stall", "missing_tlast", "extra_words", "corrupt_output", "bus_error")


class Stream:
    """One stream of the manifest: name, shape, element type, and a zero-copy NumPy view of
    its DMA buffer (``buffer``)."""

    __slots__ = ("name", "index", "shape", "type", "bytes", "buffer", "address", "physical_address", "wire_dtype",
                 "_zeros")

    def __init__(self, info, index, raw_buffer, address, physical_address):
        self.name = ffi.string(info.name).decode()
        self.index = index
        self.shape = tuple(int(info.shape[i]) for i in range(info.rank))
        self.type = StreamType(ffi.string(info.dtype).decode(), int(info.element_bits))
        self.wire_dtype = self.type.wire_dtype  # computed once: calls read it
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


def _raise_for(status, result=None, closed=False):
    """Raises the error of a failed C ABI call (the calling thread's last error). ``closed``:
    the Python object was closed, so a refusal (bad_state) is the ClosedError."""
    if result is not None:
        _raise_call_failure(status, result.elapsed_ns, result.dma_status, ffi.string(result.detail), closed)
    _raise_call_failure(status, -1, 0, None, closed)


def _raise_call_failure(status, elapsed_ns, dma_status, detail, closed=False):
    message = ffi.string(lib.zynqnn_last_error()).decode(errors="replace")
    name = ffi.string(lib.zynqnn_status_name(status)).decode()
    if closed and status == lib.ZYNQNN_BAD_STATE:
        raise ClosedError(f"the accelerator is closed: {message}")
    if status == lib.ZYNQNN_TIMEOUT:
        raise DeadlineExceeded(f"deadline exceeded: {message}", elapsed_ns / 1e9 if elapsed_ns >= 0 else None)
    if status == lib.ZYNQNN_DMA_ERROR:
        text = detail.decode(errors="replace") if detail else message
        raise DmaError(f"DMA error: {message}", dma_status, text)
    if status == lib.ZYNQNN_SHORT_OUTPUT:
        raise ShortOutputError(f"short output: {message}", message)
    raise Error(f"{name}: {message}", name)


class _State:
    """What the fast path's failure handler reads (not the accelerator: no reference cycle)."""

    __slots__ = ("closed",)

    def __init__(self):
        self.closed = False


def _raise_fast_failure(state, status, elapsed_ns, dma_status, detail):
    _raise_call_failure(status, elapsed_ns, dma_status, detail, state.closed)


def _is_dma_buffer(value):
    """A buffer from pynq.allocate (or Accelerator.allocate): an array with physical_address."""
    return isinstance(value, np.ndarray) and getattr(value, "physical_address", None) is not None


def _input_pointer(accelerator, stream, value, array):
    """Where a verified input comes from. A DMA buffer (``pynq.allocate`` or
    ``Accelerator.allocate``: an array with ``physical_address`` and ``flush``) taken as it is
    (no conversion) is flushed and used in place: at the stream's own DMA buffer the C ABI
    skips the copy of a buffer onto itself; anywhere else it is registered with the accelerator
    (once) and the DMA reads it directly. Anything else, or a buffer the accelerator refuses to
    register (misaligned, overlapping), is copied once into the stream's buffer."""
    if array is value and _is_dma_buffer(value) and _in_place(accelerator, _INPUT, stream, value):
        flush = getattr(value, "flush", None)
        if flush is not None:
            flush()  # the DMA reads memory, not the CPU's cache
        if stream.physical_address and int(value.physical_address) == stream.physical_address:
            return ffi.cast("void *", stream.address)
        return ffi.cast("void *", value.ctypes.data)
    return ffi.from_buffer(np.ascontiguousarray(array, dtype=stream.wire_dtype))


def _in_place(accelerator, direction, stream, buffer):
    """At the stream's own buffer, or (with an accelerator) registered now or before."""
    if stream.physical_address and int(buffer.physical_address) == stream.physical_address:
        return True
    return accelerator is not None and accelerator._registers(direction, stream, buffer)


def _unregister_quietly(accelerator_ref, direction, index, address):
    """weakref.finalize of a registered buffer: withdraw it before its memory can be reused."""
    accelerator = accelerator_ref()
    if accelerator is None or accelerator._closed:
        return
    accelerator._registered.pop((direction, index, address), None)
    lib.zynqnn_unregister_buffer(accelerator._handle, direction, index, ffi.cast("void *", address))


class DmaArray(np.ndarray):
    """An array in the board's own DMA memory (``Accelerator.allocate``): what ``pynq.allocate``
    returns, without PYNQ. ``physical_address`` is what the DMA uses; ``flush()`` before the DMA
    reads it, ``invalidate()`` after it wrote it. The memory lives as long as any view of it."""

    def __array_finalize__(self, obj):
        self._dma = getattr(obj, "_dma", None)  # the zynqnn_dma_buffer (freed with the last view)
        self._dma_address = getattr(obj, "_dma_address", 0)
        self._dma_physical = getattr(obj, "_dma_physical", 0)
        self.physical_address = None
        if self._dma is not None:
            self.physical_address = self._dma_physical + (self.ctypes.data - self._dma_address)

    def _sync(self, direction):
        status = lib.zynqnn_dma_buffer_sync(self._dma, direction, self.ctypes.data - self._dma_address, self.nbytes)
        if status != lib.ZYNQNN_OK:
            _raise_for(status)

    def flush(self):
        """Writes the CPU's cache back to memory: before the DMA reads the array."""
        self._sync(_INPUT)

    def invalidate(self):
        """Drops the CPU's cached copy: after the DMA wrote the array."""
        self._sync(_OUTPUT)


def _address(cdata):
    return int(ffi.cast("uintptr_t", cdata))


def _manifest_path(manifest):
    """The manifest.json itself, or the output folder of `zynqnn compile` / `zynqnn generate`
    that holds it."""
    path = os.fspath(manifest)
    if not os.path.isdir(path):
        return path
    inside = os.path.join(path, "manifest.json")
    if not os.path.isfile(inside):
        raise Error(f"{path} is a folder without manifest.json: give the manifest.json that `zynqnn compile` or "
                    f"`zynqnn generate` wrote, or the folder it is in", "not_found")
    return inside


def _board_argument(board):
    """'virtual', a .hwh path, or a loaded pynq.Overlay (its .hwh is used)."""
    if isinstance(board, (str, os.PathLike)):
        return os.fspath(board)
    bitfile = getattr(board, "bitfile_name", None)
    if bitfile:
        return os.path.splitext(bitfile)[0] + ".hwh"
    raise TypeError(f"board must be 'virtual', the path of a .hwh, or a pynq.Overlay; got {type(board).__name__}")


class Accelerator:
    """A kernel described by ``manifest`` (a generated manifest.json, or the folder holding it) on
    ``board``.

    ``acc(x)`` calls a one-input kernel; ``acc.run(name=array, ...)`` any kernel. Inputs are
    verified first (see ``zynqnn.verify`` for the casting rules); outputs are new arrays shaped
    and typed as the manifest says. ``timeout`` is the deadline of each call in seconds.

    Threads may share one accelerator: ``acc(x)`` and ``acc.run(...)`` copy the inputs in, run
    and copy the outputs out as one step under the accelerator's lock (the GIL is released
    while it waits), so each thread gets its own answer. ``acc.start(...)`` is the same call in
    two steps (a ``zynqnn.Run``: ``wait(timeout)``, ``abort()``), for host work that overlaps it. ``run_in_place`` and the ``buffer``
    views are the single-thread zero-copy path. ``close()`` waits for the call in flight;
    later calls raise ``ClosedError``.
    """

    def __init__(self, manifest, board="virtual", *, timeout=1.0, lossy=False):
        self._handle = None
        self._closed = True
        self._registered = {}
        self._fast = None
        if not (timeout > 0):
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        handle = ffi.new("zynqnn_accelerator **")
        status = lib.zynqnn_open(os.fsencode(_manifest_path(manifest)), os.fsencode(_board_argument(board)), handle)
        if status != lib.ZYNQNN_OK:
            _raise_for(status)
        self._handle = handle[0]
        self._closed = False
        self._state = _State()
        self._per_thread = threading.local()  # each thread's result struct and pointer arrays
        self._timeout_ns = int(timeout * 1e9)
        self._lossy = bool(lossy)
        self.inputs = self._streams(_INPUT)
        self.outputs = self._streams(_OUTPUT)
        self._input_list = list(self.inputs.values())
        self._output_list = list(self.outputs.values())
        self._fixed_outputs = any(s.type.kind == "fixed" for s in self._output_list)
        self._registered = {}  # (direction, index, host address) -> physical address
        self._registration_lock = threading.Lock()
        self._fast = self._make_fast_call()

    def _make_fast_call(self):
        """The C fast path of ``__call__`` (zynqnn._fast_call), for a kernel with one input and
        one output of integer or float32 elements; None without the extension."""
        if fast_call is None or len(self._input_list) != 1 or len(self._output_list) != 1:
            return None
        source, result = self._input_list[0], self._output_list[0]
        if source.type.kind == "fixed" or result.type.kind == "fixed":
            return None  # real numbers are converted to and from the wire by verify.py
        try:
            run_buffers = lib.zynqnn_run_buffers
        except AttributeError:  # a library older than the function: every call goes through CFFI
            return None
        element_format = memoryview(np.empty(source.shape, dtype=source.type.user_dtype)).format
        return fast_call.FastCall(
            _address(run_buffers), _address(self._handle), self._timeout_ns, np.ndarray, element_format,
            source.buffer.itemsize, source.shape, source.buffer.nbytes, result.buffer.nbytes,
            source.type.kind == "float", functools.partial(np.empty, result.shape, result.type.wire_dtype),
            functools.partial(_raise_fast_failure, self._state), self._state)

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

    def _check(self, status):
        if status != lib.ZYNQNN_OK:
            _raise_for(status, closed=self._closed)

    def _live(self):
        if self._closed:
            raise ClosedError("the accelerator is closed")
        return self._handle

    # --- external DMA buffers ---
    def allocate(self, shape, dtype):
        """A ``DmaArray`` in the board's own DMA memory (u-dma-buf, XRT buffer objects, the virtual
        board's simulated DDR): what ``pynq.allocate`` is to PYNQ. Passed as an input or ``out``,
        the DMA uses it in place."""
        dtype = np.dtype(dtype)
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        out, data, physical = ffi.new("zynqnn_dma_buffer **"), ffi.new("void **"), ffi.new("uint64_t *")
        self._check(lib.zynqnn_dma_buffer_allocate(self._live(), max(nbytes, 1), 4096, out, data, physical))
        handle = ffi.gc(out[0], lib.zynqnn_dma_buffer_free)
        raw = np.frombuffer(ffi.buffer(data[0], max(nbytes, 1)), dtype=np.uint8, count=nbytes)
        array = raw.view(dtype).reshape(shape).view(DmaArray)
        array._dma, array._dma_address, array._dma_physical = handle, _address(data[0]), int(physical[0])
        array.physical_address = int(physical[0])
        return array

    def register(self, name, buffer):
        """Registers a DMA buffer (``pynq.allocate``, ``allocate``) for the stream ``name``: calls
        given it as that stream's input or ``out`` run the DMA on it directly. Done automatically
        for such buffers; explicitly it raises when the accelerator refuses the buffer (size,
        alignment, address width, overlap). The buffer stays registered while it lives."""
        direction, stream = self._stream_named(name)
        if not _is_dma_buffer(buffer):
            raise TypeError(f"stream {name!r}: a DMA buffer (with physical_address) is needed, got {type(buffer).__name__}")
        self._register(direction, stream, buffer)

    def unregister(self, name, buffer):
        """Withdraws a buffer registered for the stream ``name``."""
        direction, stream = self._stream_named(name)
        address = buffer.ctypes.data
        self._check(lib.zynqnn_unregister_buffer(self._live(), direction, stream.index, ffi.cast("void *", address)))
        self._registered.pop((direction, stream.index, address), None)

    def _stream_named(self, name):
        if name in self.inputs:
            return _INPUT, self.inputs[name]
        if name in self.outputs:
            return _OUTPUT, self.outputs[name]
        raise KeyError(f"no stream named {name!r}; streams: {list(self.inputs) + list(self.outputs)}")

    def _register(self, direction, stream, buffer):
        address, physical = buffer.ctypes.data, int(buffer.physical_address)
        key = (direction, stream.index, address)
        with self._registration_lock:
            if self._registered.get(key) == physical:
                return
            if not buffer.flags.c_contiguous:
                raise Error(f"stream {stream.name!r}: a DMA buffer must be C-contiguous", "invalid_argument")
            self._check(lib.zynqnn_register_buffer(self._live(), direction, stream.index, ffi.cast("void *", address),
                                                   buffer.nbytes, physical))
            first = key not in self._registered
            self._registered[key] = physical
        if first:  # withdrawn when the buffer goes, before its memory can be handed out again
            weakref.finalize(buffer, _unregister_quietly, weakref.ref(self), direction, stream.index, address)

    def _registers(self, direction, stream, buffer):
        """Registers ``buffer`` for the stream if it can be; False (it is then copied) if refused."""
        try:
            self._register(direction, stream, buffer)
        except Error:
            return False
        return True

    def _out_list(self, out):
        """``out`` of a call as one entry per output stream (None: a new array), checked."""
        if out is None:
            return None
        if isinstance(out, np.ndarray):
            if len(self._output_list) != 1:
                raise TypeError(f"this kernel has {len(self._output_list)} outputs: give out as {{name: array}}")
            out = {self._output_list[0].name: out}
        unknown = [name for name in out if name not in self.outputs]
        if unknown:
            raise TypeError(f"out names unknown output streams {unknown}; outputs: {list(self.outputs)}")
        outs = []
        for stream in self._output_list:
            given = out.get(stream.name)
            if given is not None:
                self._check_out(stream, given)
                if _is_dma_buffer(given):
                    _in_place(self, _OUTPUT, stream, given)  # registered when it can be: else copied into
            outs.append(given)
        return outs

    @staticmethod
    def _check_out(stream, array):
        if not isinstance(array, np.ndarray):
            raise TypeError(f"out for stream {stream.name!r}: an ndarray is needed, got {type(array).__name__}")
        if stream.type.kind == "fixed":
            raise TypeError(f"out for stream {stream.name!r}: a fixed-point output is decoded into a new array")
        if array.dtype != stream.wire_dtype or array.shape != stream.shape:
            raise TypeError(f"out for stream {stream.name!r}: expected {stream.wire_dtype} {stream.shape}, "
                            f"got {array.dtype} {array.shape}")
        if not (array.flags.c_contiguous and array.flags.writeable):
            raise ValueError(f"out for stream {stream.name!r}: the array must be C-contiguous and writable")

    # --- calls ---
    def __call__(self, x, *, timeout=None, lossy=None, out=None):
        """One call of a kernel with one input; returns the output array (a new array; a dict
        when the kernel has several outputs). ``out``: the array (or {name: array}) to write the
        output into, returned as it; a DMA buffer there (``pynq.allocate``) receives it directly
        from the DMA and is invalidated after the call."""
        fast = self._fast
        if fast is not None and timeout is None and out is None:
            y = fast(x)  # None unless x needs only a copy (its dtype, shape, C order, finite)
            if y is not None:
                return y
        return self._call(x, timeout, lossy, out)

    def _call(self, x, timeout, lossy, out=None):
        self._live()  # before any buffer is touched: a closed accelerator's buffers are freed
        if len(self._input_list) != 1:
            names = ", ".join(self.inputs)
            raise TypeError(f"this kernel has {len(self._input_list)} inputs ({names}): use run(name=array, ...)")
        stream = self._input_list[0]
        array = verify.prepare_input(stream, x, self._lossy if lossy is None else lossy)
        outputs = self._run_copying([_input_pointer(self, stream, x, array)], timeout, self._out_list(out))
        if len(outputs) == 1:
            return outputs[0]
        return {s.name: y for s, y in zip(self._output_list, outputs)}

    def run(self, *, timeout=None, lossy=None, out=None, **inputs):
        """One call with every input stream named; returns {output name: array}. ``out``:
        {output name: array} to write those outputs into (as for ``__call__``)."""
        self._live()
        lossy = self._lossy if lossy is None else lossy
        outputs = self._run_copying(self._named_input_pointers(inputs, lossy), timeout, self._out_list(out))
        return {s.name: y for s, y in zip(self._output_list, outputs)}

    def _named_input_pointers(self, inputs, lossy, register=True):
        """Every input stream named exactly once, verified before anything runs."""
        missing = [name for name in self.inputs if name not in inputs]
        extra = [name for name in inputs if name not in self.inputs]
        if missing or extra:
            raise TypeError(f"inputs must be exactly {list(self.inputs)}; missing {missing}, unknown {extra}")
        owner = self if register else None  # zynqnn_start copies every input: nothing to register
        return [_input_pointer(owner, s, inputs[s.name], verify.prepare_input(s, inputs[s.name], lossy))
                for s in self._input_list]

    def _run_copying(self, input_pointers, timeout, outs=None):
        """One call through zynqnn_run_buffers: the inputs copied in, the call and the outputs
        copied out under the accelerator's lock (registered DMA buffers are used in place).
        Returns the decoded outputs in stream order; ``outs`` (one entry per output stream, None:
        a new array) are the arrays the outputs go to."""
        timeout_ns = self._timeout_ns if timeout is None else int(timeout * 1e9)
        if timeout_ns <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        try:
            result, in_array, out_array = self._per_thread.scratch
        except AttributeError:  # this thread's first call: its own result and pointer arrays
            result, in_array, out_array = self._per_thread.scratch = (
                ffi.new("zynqnn_call_result *"), ffi.new("void *[]", len(self._input_list)),
                ffi.new("void *[]", len(self._output_list)))
        outs = outs or [None] * len(self._output_list)
        wires = [np.empty(s.shape, dtype=s.wire_dtype) if o is None else o for s, o in zip(self._output_list, outs)]
        output_pointers = [ffi.from_buffer(w) if o is None else ffi.cast("void *", w.ctypes.data)
                           for w, o in zip(wires, outs)]  # alive until the call returns
        for i, pointer in enumerate(input_pointers):
            in_array[i] = pointer
        for j, pointer in enumerate(output_pointers):
            out_array[j] = pointer
        status = lib.zynqnn_run_buffers(self._live(), in_array, out_array, timeout_ns, result)
        if status != lib.ZYNQNN_OK:
            _raise_for(status, result, self._closed)
        for given in outs:
            if given is not None and _is_dma_buffer(given) and hasattr(given, "invalidate"):
                given.invalidate()  # the DMA wrote memory: the CPU must not read stale cache lines
        if any(o is not None for o in outs):
            return [w if o is not None or s.type.kind != "fixed" else verify.decode_output(s, w)
                    for s, w, o in zip(self._output_list, wires, outs)]
        return self._decode_outputs(wires)

    def _decode_outputs(self, wires):
        if self._fixed_outputs:
            return [verify.decode_output(s, w) for s, w in zip(self._output_list, wires)]
        return wires

    def _raise_call_failure(self, status, result):
        _raise_for(status, result, self._closed)

    def start(self, *args, timeout=None, lossy=None, **inputs):
        """Starts one call and returns at once with its ``zynqnn.Run``: ``acc.start(x)`` for a
        kernel with one input (``run.wait()`` then returns what ``acc(x)`` returns), or
        ``acc.start(name=array, ...)`` with every input named (``wait()`` returns {output name:
        array}). Inputs are verified and copied in first, as for those calls. ``timeout``: the
        wait for another thread's call in flight. One started call at a time per accelerator."""
        self._live()
        lossy = self._lossy if lossy is None else lossy
        if args:
            if len(args) != 1 or inputs:
                raise TypeError("start takes one positional input (a one-input kernel) or named inputs, not both")
            if len(self._input_list) != 1:
                names = ", ".join(self.inputs)
                raise TypeError(f"this kernel has {len(self._input_list)} inputs ({names}): use start(name=array, ...)")
            stream, x = self._input_list[0], args[0]
            pointers = [_input_pointer(None, stream, x, verify.prepare_input(stream, x, lossy))]
            outputs = self._output_list
            shape = (lambda ys: ys[0]) if len(outputs) == 1 else (lambda ys: {s.name: y for s, y in zip(outputs, ys)})
        else:
            pointers = self._named_input_pointers(inputs, lossy, register=False)
            shape = lambda ys: {s.name: y for s, y in zip(self._output_list, ys)}  # noqa: E731
        timeout_ns = self._timeout_ns if timeout is None else int(timeout * 1e9)
        if timeout_ns <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        try:
            start = lib.zynqnn_start
        except AttributeError:
            raise Error("this libzynqnn_capi has no zynqnn_start: rebuild or reinstall it", "unsupported") from None
        run = Run(self, shape)  # its output arrays first: nothing fails after the call has started
        status = start(self._live(), ffi.new("void *[]", pointers), timeout_ns)
        if status != lib.ZYNQNN_OK:
            run._pending = False
            _raise_for(status, closed=self._closed)
        return run

    def run_in_place(self, timeout=None):
        """One call on whatever is in the input buffers (``acc.inputs[name].buffer``): the
        zero-copy path. Outputs stay in ``acc.outputs[name].buffer`` until the next call."""
        self._run_in_place(timeout)

    def _run_in_place(self, timeout):
        timeout_ns = self._timeout_ns if timeout is None else int(timeout * 1e9)
        if timeout_ns <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        result = ffi.new("zynqnn_call_result *")
        status = lib.zynqnn_run(self._live(), timeout_ns, result)
        if status != lib.ZYNQNN_OK:
            _raise_for(status, result, self._closed)

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
        """Waits for the call in flight, then releases the buffers and the board; calls from any
        thread after it raise ``ClosedError``. The array views of the buffers must not be used after."""
        if self._closed:
            return
        self._closed = self._state.closed = True  # first: a call refused from here on is reported as closed
        if self._fast is not None:
            self._fast.detach()
            self._fast = None
        for stream in self._input_list + self._output_list:
            stream.buffer = None  # the memory behind these views is released below
        # The handle itself stays valid for threads still inside a call; __del__ frees it.
        status = lib.zynqnn_shutdown(self._handle)
        if status != lib.ZYNQNN_OK:
            _raise_for(status)

    def _free(self):
        if self._handle is not None:
            lib.zynqnn_close(self._handle)  # nothing can call any more: no reference is left
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self._closed = True
        self._free()

    def __repr__(self):
        state = "closed" if self._closed else "open"
        return f"Accelerator(inputs={list(self.inputs.values())}, outputs={list(self.outputs.values())}, {state})"
