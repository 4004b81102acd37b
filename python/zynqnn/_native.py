"""The C ABI (zynqnn.h) through CFFI. The declarations are read from the header itself, so
Python and C cannot disagree about them.

``fast_call`` is the optional CPython extension ``zynqnn._fast_call`` (src/capi/python_fast_call.c)
that runs the common case of ``Accelerator.__call__`` in one C function; it is looked for in
the installed package and next to the library, and is ``None`` when it is missing or when
``ZYNQNN_FAST_CALL=0`` (every call then goes through CFFI, with the same results)."""
import importlib.machinery
import importlib.util
import os
import re
from pathlib import Path

import cffi

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]


def _header_path():
    for candidate in (_HERE / "zynqnn.h", _REPO / "include" / "zynqnn" / "zynqnn.h"):
        if candidate.is_file():
            return candidate
    raise ImportError("zynqnn.h not found next to the package or in the source tree")


def _library_path():
    explicit = os.environ.get("ZYNQNN_LIBRARY")
    candidates = [Path(explicit)] if explicit else []
    candidates += [_HERE / "libzynqnn_capi.so", _REPO / "build" / "lib" / "libzynqnn_capi.so"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ImportError("libzynqnn_capi.so not found: install the package with pip, or build with `make build` "
                      "and set ZYNQNN_LIBRARY")


def _declarations(header_text):
    """The header without the preprocessor and C++ guards: what cdef accepts."""
    lines, skipping = [], False
    for line in header_text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#ifdef __cplusplus"):
            skipping = True
            continue
        if skipping:
            if stripped.startswith("#endif"):
                skipping = False
            continue
        define = re.match(r"#define\s+(\w+)\s+(\d+)\s*$", stripped)
        if define:
            lines.append(f"#define {define.group(1)} {define.group(2)}")
        elif not stripped.startswith("#"):
            lines.append(line.replace("ZYNQNN_API ", ""))
    return "\n".join(lines)


ffi = cffi.FFI()
ffi.cdef(_declarations(_header_path().read_text()))
lib = ffi.dlopen(str(_library_path()))

# Every symbol resolved now: a finalizer that the garbage collector runs inside CFFI's own
# locked code (ffi.new parsing a type) must not need CFFI's lock to find its function.
for _name in dir(lib):
    getattr(lib, _name)

if lib.zynqnn_abi_version() != lib.ZYNQNN_ABI_VERSION:
    raise ImportError(f"libzynqnn_capi ABI {lib.zynqnn_abi_version()} does not match zynqnn.h "
                      f"ABI {lib.ZYNQNN_ABI_VERSION}")


def _load_fast_call(library_path):
    if os.environ.get("ZYNQNN_FAST_CALL") == "0":
        return None
    module = None
    try:
        from . import _fast_call as module  # the installed package
    except ImportError:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:  # a build tree: next to the library
            candidate = Path(library_path).parent / f"_fast_call{suffix}"
            if candidate.is_file():
                spec = importlib.util.spec_from_file_location("zynqnn._fast_call", candidate)
                module = importlib.util.module_from_spec(spec)
                try:
                    spec.loader.exec_module(module)
                except ImportError:  # built for another interpreter: fall back to CFFI
                    module = None
                break
    if module is not None and module.ABI_VERSION != lib.ZYNQNN_ABI_VERSION:
        return None
    return module


fast_call = _load_fast_call(_library_path())
