"""Stream element types of a manifest and their NumPy counterparts."""
import re

import numpy as np

_INTEGER = {
    "int8": np.dtype(np.int8),
    "uint8": np.dtype(np.uint8),
    "int16": np.dtype(np.int16),
    "uint16": np.dtype(np.uint16),
    "int32": np.dtype(np.int32),
    "uint32": np.dtype(np.uint32),
}
_FIXED = re.compile(r"^u?fixed<\s*(\d+)\s*,\s*(-?\d+)\s*>$")
_SIGNED_CONTAINERS = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}
_UNSIGNED_CONTAINERS = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}


class StreamType:
    """How one stream's elements look to Python (``user_dtype``) and in the DMA buffer
    (``wire_dtype``). For fixed<W,I> users pass real numbers; the wire holds the raw W-bit
    integers (scaled by 2**(W-I)) in a container of ``element_bits`` bits."""

    __slots__ = ("name", "kind", "user_dtype", "wire_dtype", "fixed_width", "fixed_frac", "lo", "hi")

    def __init__(self, dtype_name, element_bits):
        self.name = dtype_name
        if dtype_name in _INTEGER:
            self.kind = "int"
            self.user_dtype = self.wire_dtype = _INTEGER[dtype_name]
            info = np.iinfo(self.user_dtype)
            self.lo, self.hi = int(info.min), int(info.max)
            self.fixed_width = self.fixed_frac = None
        elif dtype_name == "float32":
            self.kind = "float"
            self.user_dtype = self.wire_dtype = np.dtype(np.float32)
            self.lo = self.hi = None
            self.fixed_width = self.fixed_frac = None
        else:
            match = _FIXED.match(dtype_name)
            if not match:
                raise TypeError(f"unsupported stream dtype {dtype_name!r} in the manifest")
            width, integer = int(match.group(1)), int(match.group(2))
            signed = not dtype_name.startswith("u")
            containers = _SIGNED_CONTAINERS if signed else _UNSIGNED_CONTAINERS
            if element_bits not in containers or width > element_bits:
                raise TypeError(f"{dtype_name}: no container of {element_bits} bits for {width}-bit values")
            self.kind = "fixed"
            self.user_dtype = np.dtype(np.float64)
            self.wire_dtype = np.dtype(containers[element_bits])
            self.fixed_width, self.fixed_frac = width, width - integer
            scale = 2.0 ** -self.fixed_frac
            raw_lo = -(1 << (width - 1)) if signed else 0
            raw_hi = (1 << (width - 1)) - 1 if signed else (1 << width) - 1
            self.lo, self.hi = raw_lo * scale, raw_hi * scale

    def __repr__(self):
        return f"StreamType({self.name})"
