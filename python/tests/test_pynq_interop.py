"""Buffers from pynq.allocate, off-board: a stand-in with PynqBuffer's interface (an ndarray
subclass with physical_address, flush, invalidate). At the stream's own DMA buffer it is used
in place (zero-copy, flushed); elsewhere it is registered with the accelerator and the DMA runs
on it directly (an input read, an output written, with no copy), or, when the accelerator
refuses it, verified and copied once. The stand-in's memory comes from the virtual board's
simulated DDR (Accelerator.allocate), so that its physical address is one the DMA model reads
and writes: data that arrives proves the DMA used the buffer itself."""
import gc

import numpy as np
import pytest

import zynqnn
from zynqnn.accelerator import DmaArray


class StandInPynqBuffer(np.ndarray):
    """What pynq.allocate returns, minus the allocator."""

    def __array_finalize__(self, obj):
        self.physical_address = getattr(obj, "physical_address", 0)
        self.flushes = 0
        self.invalidations = 0

    def flush(self):
        self.flushes += 1

    def invalidate(self):
        self.invalidations += 1


def stand_in(array, physical_address):
    buffer = array.view(StandInPynqBuffer)
    buffer.physical_address = physical_address
    return buffer


def dma_stand_in(acc, value):
    """A stand-in whose memory is in the board's DMA memory, holding `value`."""
    raw = acc.allocate(value.shape, value.dtype)
    raw[...] = value
    return stand_in(raw, raw.physical_address)


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


def test_a_buffer_in_dma_memory_is_read_in_place(acc):
    own = acc.inputs["x"].buffer
    own[...] = -1
    x = dma_stand_in(acc, np.arange(21, dtype=np.int32).reshape(3, 7))
    np.testing.assert_array_equal(acc(x), np.arange(21).reshape(3, 7))
    np.testing.assert_array_equal(own, -1)  # nothing was copied into the stream's own buffer
    assert x.flushes == 1
    x[...] = 4  # registered once: the next call reads the new contents in place too
    np.testing.assert_array_equal(acc.run(x=x)["y"], 4)
    assert x.flushes == 2


def test_the_output_lands_in_the_callers_buffer_without_a_copy(acc):
    own = acc.outputs["y"].buffer
    own[...] = -7
    out = dma_stand_in(acc, np.zeros((3, 7), dtype=np.int32))
    result = acc(np.arange(21, dtype=np.int32).reshape(3, 7), out=out)
    assert result is out
    np.testing.assert_array_equal(out, np.arange(21).reshape(3, 7))
    np.testing.assert_array_equal(own, -7)  # the DMA wrote `out`, and nothing was copied from own
    assert out.invalidations == 1
    x = dma_stand_in(acc, np.full((3, 7), 9, dtype=np.int32))
    assert acc.run(x=x, out={"y": out})["y"] is out  # input and output both in place
    np.testing.assert_array_equal(out, 9)
    np.testing.assert_array_equal(own, -7)


def test_a_plain_out_array_is_copied_into(acc):
    out = np.zeros((3, 7), dtype=np.int32)
    assert acc(np.ones((3, 7), dtype=np.int32), out=out) is out
    np.testing.assert_array_equal(out, 1)
    with pytest.raises(TypeError, match=r"out for stream 'y': expected int32 \(3, 7\)"):
        acc(np.ones((3, 7), dtype=np.int32), out=np.zeros((3, 7), dtype=np.int16))
    with pytest.raises(TypeError, match="unknown output streams"):
        acc.run(x=np.ones((3, 7), dtype=np.int32), out={"z": out})


def test_allocate_gives_arrays_in_the_boards_dma_memory(acc):
    x = acc.allocate((3, 7), np.int32)
    assert isinstance(x, DmaArray) and x.physical_address % 4096 == 0
    assert x[1:].physical_address == x.physical_address + 28  # a view knows where it is
    x[...] = np.arange(21).reshape(3, 7)
    x.flush()
    out = acc.allocate((3, 7), np.int32)
    np.testing.assert_array_equal(acc(x, out=out), np.arange(21).reshape(3, 7))
    out.invalidate()


def test_a_buffer_the_dma_cannot_reach_fails_the_call_instead_of_being_copied(acc):
    # Host memory claiming an address outside the simulated DDR: registered (the address is
    # plausible), and the DMA reads that address: a decode error, as on the board.
    elsewhere = stand_in(np.arange(21, dtype=np.int32).reshape(3, 7), 0x1F00_0000)
    with pytest.raises(zynqnn.DmaError):
        acc(elsewhere)
    acc.abort()


def test_a_buffer_the_accelerator_refuses_is_copied_once(acc):
    misaligned = stand_in(np.arange(21, dtype=np.int32).reshape(3, 7), 0x1000_0004)
    np.testing.assert_array_equal(acc(misaligned), np.arange(21).reshape(3, 7))
    assert misaligned.flushes == 0  # read by the CPU for the copy: no cache maintenance needed
    with pytest.raises(zynqnn.Error, match="not 64-byte aligned"):
        acc.register("x", misaligned)


def test_explicit_registration_checks_and_is_withdrawn_when_the_buffer_goes(acc):
    wrong_size = dma_stand_in(acc, np.zeros(20, dtype=np.int32))
    with pytest.raises(zynqnn.Error, match="80 bytes, the stream transfers 84"):
        acc.register("x", wrong_size)
    over_own = stand_in(np.zeros((3, 7), dtype=np.int32), acc.outputs["y"].physical_address)
    with pytest.raises(zynqnn.Error, match="overlaps the buffer"):
        acc.register("x", over_own)
    with pytest.raises(KeyError):
        acc.register("nope", wrong_size)
    first = dma_stand_in(acc, np.zeros((3, 7), dtype=np.int32))
    physical = first.physical_address
    acc.register("x", first)
    second = stand_in(np.zeros((3, 7), dtype=np.int32), physical)
    with pytest.raises(zynqnn.Error, match="overlaps the buffer"):
        acc.register("y", second)
    del first
    gc.collect()
    acc.register("y", second)  # the first registration went with its buffer
    acc.unregister("y", second)
    with pytest.raises(zynqnn.Error, match="no external buffer"):
        acc.unregister("y", second)


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
