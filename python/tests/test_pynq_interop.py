"""Buffers from pynq.allocate, off-board: a stand-in with PynqBuffer's interface (an ndarray
subclass with physical_address, flush, invalidate). At the stream's own DMA buffer it is used
in place (zero-copy, flushed); anywhere else it is verified and copied once."""
import numpy as np
import pytest

import zynqnn


class StandInPynqBuffer(np.ndarray):
    """What pynq.allocate returns, minus the allocator."""

    def __array_finalize__(self, obj):
        self.physical_address = getattr(obj, "physical_address", 0)
        self.flushes = 0

    def flush(self):
        self.flushes += 1

    def invalidate(self):
        pass


def stand_in(array, physical_address):
    buffer = array.view(StandInPynqBuffer)
    buffer.physical_address = physical_address
    return buffer


@pytest.fixture
def acc(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as accelerator:
        yield accelerator


def test_the_stream_buffers_have_physical_addresses(acc):
    x, y = acc.inputs["x"], acc.outputs["y"]
    assert x.physical_address and y.physical_address
    assert x.physical_address != y.physical_address


def test_a_buffer_in_the_streams_dma_memory_is_used_in_place(acc):
    stream = acc.inputs["x"]
    buffer = stand_in(stream.buffer, stream.physical_address)  # the stream's own memory
    buffer[...] = np.arange(21, dtype=np.int32).reshape(3, 7)
    np.testing.assert_array_equal(acc(buffer), np.arange(21).reshape(3, 7))
    assert buffer.flushes == 1
    np.testing.assert_array_equal(acc.run(x=buffer)["y"], np.arange(21).reshape(3, 7))
    assert buffer.flushes == 2


def test_zero_copy_means_no_copy(acc):
    # A stand-in that claims the stream's physical address while its (virtual) memory is
    # elsewhere: what the DMA sends is what is at that address, so nothing was copied.
    stream = acc.inputs["x"]
    stream.buffer[...] = 5
    claimed = stand_in(np.full((3, 7), 9, dtype=np.int32), stream.physical_address)
    np.testing.assert_array_equal(acc(claimed), np.full((3, 7), 5))
    assert claimed.flushes == 1


def test_a_buffer_elsewhere_is_copied_once(acc):
    elsewhere = stand_in(np.arange(21, dtype=np.int32).reshape(3, 7), 0x1F00_0000)
    np.testing.assert_array_equal(acc(elsewhere), np.arange(21).reshape(3, 7))
    assert elsewhere.flushes == 0  # read by the CPU for the copy: no cache maintenance needed
    assert not np.shares_memory(elsewhere, acc.inputs["x"].buffer)


def test_a_pynq_buffer_is_verified_like_any_array(acc):
    wrong_dtype = stand_in(np.zeros((3, 7), dtype=np.float64), acc.inputs["x"].physical_address)
    with pytest.raises(TypeError, match=r"stream 'x': expected int32, got float64"):
        acc(wrong_dtype)
    assert wrong_dtype.flushes == 0
    wrong_shape = stand_in(np.zeros(21, dtype=np.int32), acc.inputs["x"].physical_address)
    with pytest.raises(ValueError, match=r"stream 'x': expected shape \(3, 7\), got \(21,\)"):
        acc(wrong_shape)
    converted = stand_in(np.ones((3, 7), dtype=np.int16), acc.inputs["x"].physical_address)
    np.testing.assert_array_equal(acc(converted), 1)  # a lossless cast: copied, not in place
    assert converted.flushes == 0
