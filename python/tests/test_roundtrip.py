"""Round trips on the virtual board for every element type of the spec."""
import numpy as np
import pytest

import zynqnn

from conftest import ELEMENT_TYPES


def sample(element_type, rng):
    if element_type == "float32":
        return rng.standard_normal((3, 7)).astype(np.float32)
    if element_type.startswith("fixed"):
        return np.round(rng.uniform(-100, 100, (3, 7)) * 256) / 256  # on the fixed<16,8> grid
    info = np.iinfo(np.dtype(element_type))
    return rng.integers(info.min, info.max, (3, 7), endpoint=True, dtype=np.dtype(element_type))


@pytest.mark.parametrize("element_type", ELEMENT_TYPES)
def test_pass_through_returns_the_input(kernels, element_type):
    rng = np.random.default_rng(7)
    with zynqnn.Accelerator(kernels[element_type], board="virtual") as acc:
        for _ in range(3):
            x = sample(element_type, rng)
            y = acc(x)
            assert y.shape == (3, 7)
            assert y.dtype == acc.outputs["y"].dtype
            np.testing.assert_array_equal(y, x)


def test_several_named_streams(kernels):
    with zynqnn.Accelerator(kernels["two_inputs"], board="virtual") as acc:
        a = np.arange(-4, 4, dtype=np.int16)
        b = np.linspace(-1, 1, 8, dtype=np.float32)
        out = acc.run(a=a, b=b)
        assert set(out) == {"a_out", "b_out"}
        np.testing.assert_array_equal(out["a_out"], a)
        np.testing.assert_array_equal(out["b_out"], b)


def test_lossless_casts_are_accepted(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        x = np.arange(21, dtype=np.int8).reshape(3, 7)  # int8 -> int32: always exact
        np.testing.assert_array_equal(acc(x), x.astype(np.int32))
        as_list = [[1, 2, 3, 4, 5, 6, 7]] * 3  # Python ints in range
        np.testing.assert_array_equal(acc(as_list), np.array(as_list, dtype=np.int32))
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        x = np.full((3, 7), 0.5)  # float64 values exact in float32
        np.testing.assert_array_equal(acc(x), x.astype(np.float32))


def test_lossy_casts_on_request(kernels):
    with zynqnn.Accelerator(kernels["int8"], board="virtual") as acc:
        x = np.full((3, 7), 2.6)
        np.testing.assert_array_equal(acc(x, lossy=True), np.full((3, 7), 3, dtype=np.int8))
    with zynqnn.Accelerator(kernels["fixed<16,8>"], board="virtual") as acc:
        x = np.full((3, 7), 1.0 / 3)
        np.testing.assert_allclose(acc(x, lossy=True), x, atol=2 ** -9)


def test_zero_copy_buffers(kernels):
    with zynqnn.Accelerator(kernels["uint8"], board="virtual") as acc:
        acc.inputs["x"].buffer[...] = 9
        acc.run_in_place()
        assert (acc.outputs["y"].buffer == 9).all()


def test_statistics_count_calls(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        for _ in range(4):
            acc(np.zeros((3, 7), dtype=np.int16))
        stats = acc.stats()
        assert stats["calls"] == 4 and stats["ok"] == 4
        assert stats["last_elapsed_ns"] > 0
