"""The C fast path of Accelerator.__call__ (zynqnn._fast_call) takes only inputs that need
nothing but a copy; every other input goes through the full verification, with the same
results and errors as without the extension (ZYNQNN_FAST_CALL=0)."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import zynqnn
from zynqnn._native import fast_call

needs_extension = pytest.mark.skipif(fast_call is None, reason="zynqnn._fast_call is not built")


@needs_extension
def test_one_input_one_output_kernels_get_the_fast_path(kernels):
    with zynqnn.Accelerator(kernels["uint8"], board="virtual") as acc:
        assert acc._fast is not None
    with zynqnn.Accelerator(kernels["fixed<16,8>"], board="virtual") as acc:
        assert acc._fast is None  # real numbers are converted in Python
    with zynqnn.Accelerator(kernels["two_inputs"], board="virtual") as acc:
        assert acc._fast is None


@pytest.mark.parametrize("make", [
    lambda: np.arange(21, dtype=np.int16).reshape(3, 7),                     # the fast case
    lambda: np.arange(21, dtype=np.int16).reshape(3, 7).astype(">i2"),       # other byte order
    lambda: np.arange(21, dtype=np.int8).reshape(3, 7),                      # a lossless cast
    lambda: np.arange(42, dtype=np.int16).reshape(3, 14)[:, ::2].copy(),     # a copy of a view
    lambda: np.arange(21, dtype=np.int16).reshape(3, 7).tolist(),            # nested lists
    lambda: np.arange(21, dtype=np.int16).reshape(3, 7).view(np.ma.MaskedArray).data,
])
def test_every_accepted_input_gives_the_same_output(kernels, make):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        x = make()
        y = acc(x)
        np.testing.assert_array_equal(y, np.asarray(x, dtype=np.int16))
        assert y.dtype == np.int16 and y.shape == (3, 7)


def test_outputs_are_fresh_arrays(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        first = acc(np.ones((3, 7), dtype=np.int16))
        second = acc(np.full((3, 7), 2, dtype=np.int16))
        assert (first == 1).all() and (second == 2).all()
        assert not np.shares_memory(first, acc.outputs["y"].buffer)


def test_wrong_inputs_of_the_right_dtype_never_reach_the_dma(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        with pytest.raises(ValueError, match=r"stream 'x': the array is not C-contiguous"):
            acc(np.zeros((3, 14), dtype=np.int16)[:, ::2])  # right shape and dtype, strided
        with pytest.raises(ValueError, match=r"stream 'x': expected shape \(3, 7\), got \(21,\)"):
            acc(np.zeros(21, dtype=np.int16))  # right byte count, wrong shape
        with pytest.raises(ValueError, match=r"expected shape \(3, 7\), got \(7, 3\)"):
            acc(np.zeros((3, 7), dtype=np.int16).T)
        assert acc.stats()["calls"] == 0
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        x = np.zeros((3, 7), dtype=np.float32)
        x[0, 3] = np.nan
        with pytest.raises(ValueError, match=r"stream 'x': value nan at index \(0, 3\) is not finite"):
            acc(x)
        assert acc.stats()["calls"] == 0


def test_the_input_buffer_itself_is_accepted(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        acc.inputs["x"].buffer[...] = 3
        np.testing.assert_array_equal(acc(acc.inputs["x"].buffer), 3)


def test_a_closed_accelerator_is_reported_on_the_fast_path(kernels):
    acc = zynqnn.Accelerator(kernels["int16"], board="virtual")
    acc.close()
    with pytest.raises(zynqnn.Error, match="closed"):
        acc(np.zeros((3, 7), dtype=np.int16))


def test_the_same_suite_passes_without_the_extension(kernels):
    here = Path(__file__).resolve().parent
    environment = dict(os.environ, ZYNQNN_FAST_CALL="0")
    script = "from zynqnn._native import fast_call; assert fast_call is None"
    subprocess.run([sys.executable, "-c", script], env=environment, check=True)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(here / "test_verification.py"), str(here / "test_faults.py"),
                             str(here / "test_pynq_interop.py")],
                            env=environment, cwd=here, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
