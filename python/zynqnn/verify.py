"""Input verification: a wrong input never reaches the hardware.

Casting rules (the same for every stream):

* The stream's own dtype (``int8`` ... ``float32``; ``float64`` for ``fixed<W,I>`` streams)
  is taken as it is, zero-copy into the DMA buffer.
* An integer or bool array into an integer stream is accepted when every value fits the
  stream's range; otherwise ``ValueError`` names the first value that does not fit.
* An integer array into a ``float32`` stream is accepted when every value is exactly
  representable (``|x| <= 2**24``), except ``uint8``: a uint8 array is almost always an image
  of 0..255 for a model trained on scaled values (the forgotten ``/ 255``), so it is refused
  with ``TypeError`` whatever ``lossy`` says; ``x.astype(numpy.float32)`` states that the raw
  values are meant. A ``float64``/``float16`` array into a ``float32`` stream is accepted when
  every value converts exactly.
* A float array into an integer stream, or an inexact conversion, is lossy: refused with
  ``TypeError`` (wrong kind) or ``ValueError`` (inexact values) unless ``lossy=True``, which
  rounds to nearest (ties to even) and still refuses values out of range. A quantized model's
  real-valued inputs need its scale and zero point, not rounding: ``zynqnn.Model(out_dir)
  .predict(x)`` applies them.
* ``fixed<W,I>`` streams take real numbers on the grid of 2**-(W-I) inside the type's
  range; off-grid values need ``lossy=True`` (rounded to nearest, ties to even).
* Float streams refuse NaN and infinities. Arrays must have exactly the stream's shape and
  be C-contiguous. Complex, object, string and structured arrays are refused (``TypeError``).
"""
import math

import numpy as np

_EXACT_FLOAT32_INT = 1 << 24


def _first_bad(mask):
    index = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return tuple(int(i) for i in index)


def prepare_input(stream, value, lossy):
    """Returns an array with the stream's wire dtype and shape, ready to copy into its DMA
    buffer, or raises TypeError/ValueError naming the stream, the expected and the received."""
    spec = stream.type
    array = value if isinstance(value, np.ndarray) else np.asarray(value)
    # Fast path: exactly the stream's dtype, shape and layout.
    if array.dtype == spec.user_dtype and array.shape == stream.shape and array.flags.c_contiguous:
        if spec.kind == "int":
            return array
        if spec.kind == "float":
            _check_finite(stream, array)
            return array
    return _prepare_slow(stream, array, lossy)


def _prepare_slow(stream, array, lossy):
    spec = stream.type
    name = stream.name
    kind = array.dtype.kind
    if kind not in "biuf":
        raise TypeError(f"stream '{name}': expected {spec.name} values, got an array of dtype {array.dtype}")
    if array.shape != stream.shape:
        raise ValueError(f"stream '{name}': expected shape {stream.shape}, got {array.shape}")
    if not array.flags.c_contiguous:
        raise ValueError(f"stream '{name}': the array is not C-contiguous (use numpy.ascontiguousarray)")
    if spec.kind == "int":
        return _to_integer(stream, array, lossy)
    if spec.kind == "float":
        return _to_float32(stream, array, lossy)
    return _to_fixed(stream, array, lossy)


def _check_finite(stream, array):
    # One pass: a dot product with zeros is NaN exactly when some value is NaN or infinite.
    flat = array.reshape(-1)
    with np.errstate(invalid="ignore"):  # inf * 0 is the NaN this check looks for
        product = float(np.dot(flat, stream.zeros_like_flat(flat.dtype))) if flat.size else 0.0
    if math.isnan(product):
        bad = ~np.isfinite(array)
        raise ValueError(f"stream '{stream.name}': value {array[_first_bad(bad)]} at index {_first_bad(bad)} "
                         f"is not finite (NaN and infinities are refused)")


def _check_range(stream, array, lo, hi):
    if array.size == 0:
        return
    low, high = array.min(), array.max()
    if low < lo or high > hi:
        bad = (array < lo) | (array > hi)
        raise ValueError(f"stream '{stream.name}': value {array[_first_bad(bad)]} at index {_first_bad(bad)} "
                         f"is outside the range of {stream.type.name} [{lo}, {hi}]")


def _to_integer(stream, array, lossy):
    spec = stream.type
    if array.dtype.kind == "f":
        if not lossy:
            raise TypeError(f"stream '{stream.name}': expected {spec.name}, got {array.dtype}. For a quantized "
                            f"model's real-valued inputs use zynqnn.Model(out_dir).predict(x), which applies the "
                            f"model's scale and zero point; pass lossy=True only to round values that are already "
                            f"in {spec.name} units")
        _check_finite(stream, array)
        array = np.rint(array)
    _check_range(stream, array, spec.lo, spec.hi)
    return array.astype(spec.wire_dtype, copy=False)


def _to_float32(stream, array, lossy):
    if array.dtype == np.uint8:
        raise TypeError(f"stream '{stream.name}': a uint8 image into a float32 stream: scale it as the model was "
                        f"trained (e.g. x.astype(numpy.float32) / 255), or pass x.astype(numpy.float32) if the "
                        f"model takes the raw 0..255 values")
    if array.dtype.kind in "biu":
        if not lossy and array.size and int(np.abs(array.astype(np.int64)).max()) > _EXACT_FLOAT32_INT:
            raise ValueError(f"stream '{stream.name}': integers above 2**24 in magnitude are not exact in float32 "
                             f"(pass lossy=True to round)")
        return array.astype(np.float32)
    _check_finite(stream, array)
    converted = array.astype(np.float32)
    if not lossy and array.dtype != np.float32:
        inexact = converted.astype(array.dtype) != array
        if inexact.any():
            where = _first_bad(inexact)
            raise ValueError(f"stream '{stream.name}': value {array[where]!r} at index {where} is not exact in "
                             f"float32 (convert with .astype(numpy.float32) or pass lossy=True)")
    if not np.isfinite(converted).all():
        raise ValueError(f"stream '{stream.name}': a value overflows float32")
    return converted


def _to_fixed(stream, array, lossy):
    spec = stream.type
    if array.dtype.kind == "f":
        _check_finite(stream, array)
    _check_range(stream, array, spec.lo, spec.hi)
    scaled = array.astype(np.float64) * (2.0 ** spec.fixed_frac)
    raw = np.rint(scaled)
    if not lossy:
        off_grid = raw != scaled
        if off_grid.any():
            where = _first_bad(off_grid)
            raise ValueError(f"stream '{stream.name}': value {array[where]!r} at index {where} is not on the "
                             f"grid of {spec.name} (steps of 2**-{spec.fixed_frac}); pass lossy=True to round")
    return raw.astype(spec.wire_dtype)


def decode_output(stream, wire_view):
    """A copy of an output buffer as the user sees it (fixed-point decoded to float64)."""
    spec = stream.type
    if spec.kind == "fixed":
        return wire_view.astype(np.float64) * (2.0 ** -spec.fixed_frac)
    return wire_view.copy()
