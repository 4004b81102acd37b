"""`python -m zynqnn` prints the version and where the native library was found."""
from . import __version__
from ._native import _library_path

print(f"zynqnn {__version__}, native library {_library_path()}")
