"""Every verification rule refuses the wrong input before the hardware sees it, with an
error naming the stream, the expected and the received, and leaves the accelerator usable."""
import numpy as np
import pytest

import zynqnn


def assert_still_usable(acc, dtype=np.int16):
    x = np.arange(21, dtype=dtype).reshape(3, 7)
    np.testing.assert_array_equal(acc(x), x)


@pytest.fixture
def int16_acc(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        yield acc


def test_wrong_shape(int16_acc):
    with pytest.raises(ValueError, match=r"stream 'x': expected shape \(3, 7\), got \(7, 3\)"):
        int16_acc(np.zeros((7, 3), dtype=np.int16))
    assert int16_acc.stats()["calls"] == 0
    assert_still_usable(int16_acc)


def test_wrong_dtype_kind(int16_acc):
    with pytest.raises(TypeError, match=r"stream 'x': expected int16.*complex"):
        int16_acc(np.zeros((3, 7), dtype=np.complex64))
    with pytest.raises(TypeError, match=r"stream 'x'"):
        int16_acc(np.array([["a"] * 7] * 3))
    assert_still_usable(int16_acc)


def test_float_into_integer_stream_is_lossy(int16_acc):
    with pytest.raises(TypeError, match=r"stream 'x': expected int16, got float64\. .*zynqnn\.Model\(out_dir\)\.predict"
                                        r"\(x\).*lossy=True"):
        int16_acc(np.zeros((3, 7)))
    assert_still_usable(int16_acc)


def test_uint8_into_float32_stream_asks_for_the_scaling(kernels):
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        image = np.full((3, 7), 200, dtype=np.uint8)
        for lossy in (False, True):  # not a rounding question: lossy does not let it through
            with pytest.raises(TypeError, match=r"stream 'x': a uint8 image into a float32 stream: scale it as the "
                                                r"model was trained \(e\.g\. x\.astype\(numpy\.float32\) / 255\)"):
                acc(image, lossy=lossy)
        assert acc.stats()["calls"] == 0
        np.testing.assert_array_equal(acc(image.astype(np.float32) / 255), np.full((3, 7), np.float32(200) / 255))
        np.testing.assert_array_equal(acc(image.astype(np.int16)), np.full((3, 7), 200, dtype=np.float32))


def test_non_contiguous(int16_acc):
    x = np.zeros((7, 3), dtype=np.int16).T
    with pytest.raises(ValueError, match=r"stream 'x': the array is not C-contiguous"):
        int16_acc(x)
    assert_still_usable(int16_acc)


def test_out_of_range(int16_acc):
    x = np.zeros((3, 7), dtype=np.int32)
    x[1, 2] = 40000
    with pytest.raises(ValueError, match=r"stream 'x': value 40000 at index \(1, 2\) is outside the range of int16"):
        int16_acc(x)
    assert_still_usable(int16_acc)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_floats(kernels, bad):
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        x = np.zeros((3, 7), dtype=np.float32)
        x[2, 6] = bad
        with pytest.raises(ValueError, match=r"stream 'x': value .* at index \(2, 6\) is not finite"):
            acc(x)
        assert_still_usable(acc, np.float32)


def test_inexact_float64_into_float32(kernels):
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        with pytest.raises(ValueError, match=r"not exact in float32"):
            acc(np.full((3, 7), 0.1))
        assert_still_usable(acc, np.float32)


def test_off_grid_fixed_point(kernels):
    with zynqnn.Accelerator(kernels["fixed<16,8>"], board="virtual") as acc:
        with pytest.raises(ValueError, match=r"not on the grid of fixed<16,8>"):
            acc(np.full((3, 7), 0.001))
        with pytest.raises(ValueError, match=r"outside the range of fixed<16,8>"):
            acc(np.full((3, 7), 200.0))
        np.testing.assert_array_equal(acc(np.full((3, 7), 1.5)), np.full((3, 7), 1.5))
        assert acc.stats()["calls"] == 1


def test_missing_and_extra_names(kernels):
    with zynqnn.Accelerator(kernels["two_inputs"], board="virtual") as acc:
        with pytest.raises(TypeError, match=r"missing \['b'\]"):
            acc.run(a=np.zeros(8, dtype=np.int16))
        with pytest.raises(TypeError, match=r"unknown \['c'\]"):
            acc.run(a=np.zeros(8, dtype=np.int16), b=np.zeros(8, dtype=np.float32), c=1)
        with pytest.raises(TypeError, match=r"has 2 inputs"):
            acc(np.zeros(8, dtype=np.int16))
        out = acc.run(a=np.ones(8, dtype=np.int16), b=np.ones(8, dtype=np.float32))
        assert (out["a_out"] == 1).all()


def test_bad_arguments_to_the_constructor(kernels, tmp_path):
    with pytest.raises(ValueError, match="timeout"):
        zynqnn.Accelerator(kernels["int8"], timeout=0)
    with pytest.raises(zynqnn.Error, match="board must be"):
        zynqnn.Accelerator(kernels["int8"], board="fpga-of-dreams")
    bad = tmp_path / "manifest.json"
    bad.write_text("{ not json")
    with pytest.raises(zynqnn.Error) as caught:
        zynqnn.Accelerator(bad)
    assert caught.value.status == "parse"


def test_the_output_folder_stands_for_its_manifest(kernels, tmp_path):
    folder = kernels["int8"].parent
    with zynqnn.Accelerator(folder, board="virtual") as acc:
        x = np.arange(21, dtype=np.int8).reshape(3, 7)
        np.testing.assert_array_equal(acc(x), x)
    with pytest.raises(zynqnn.Error, match=r"is a folder without manifest\.json: give the manifest\.json") as caught:
        zynqnn.Accelerator(tmp_path)
    assert caught.value.status == "not_found"


def test_closed_accelerator(kernels):
    acc = zynqnn.Accelerator(kernels["int8"])
    acc.close()
    with pytest.raises(zynqnn.Error, match="closed"):
        acc(np.zeros((3, 7), dtype=np.int8))
