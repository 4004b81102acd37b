"""A misbehaving kernel raises the right exception at the deadline, and the accelerator
recovers."""
import time

import numpy as np
import pytest

import zynqnn


def test_hung_kernel_raises_timeout_at_the_deadline(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=0.05) as acc:
        x = np.arange(21, dtype=np.int32).reshape(3, 7)
        acc.inject_fault("hang")
        started = time.monotonic()
        with pytest.raises(TimeoutError) as caught:
            acc(x)
        assert isinstance(caught.value, zynqnn.DeadlineExceeded)
        assert isinstance(caught.value, zynqnn.Error)
        assert time.monotonic() - started < 5  # modeled time: no real wait of the deadline's length
        assert caught.value.elapsed_s >= 0.05
        message = str(caught.value)
        assert message.startswith("deadline exceeded: stream 'y'") and not message.endswith("()")
        assert message.endswith(f"(waited {caught.value.elapsed_s * 1e3:,.3f} ms)")
        acc.reconfigure()
        np.testing.assert_array_equal(acc(x), x)
        stats = acc.stats()
        assert stats["timeouts"] == 1 and stats["reconfigurations"] == 1


def test_persistent_hang_until_reconfiguration(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=0.02) as acc:
        x = np.ones((3, 7), dtype=np.int32)
        acc.inject_fault("hang", persistent=True)
        for _ in range(2):
            with pytest.raises(TimeoutError):
                acc(x)  # the next call aborts the failed one first, and hangs again
        acc.reconfigure()
        np.testing.assert_array_equal(acc(x), x)


def test_bus_error_raises_dma_error_with_decoded_status(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        acc.inject_fault("bus_error")
        with pytest.raises(zynqnn.DmaError) as caught:
            acc(np.zeros((3, 7), dtype=np.int32))
        assert "DMASlvErr" in caught.value.detail
        assert caught.value.dma_status & 0x20
        # A DMA reset alone may leave the failed frame's words in the kernel's streams; a PL
        # reload clears them (what the watchdog does).
        acc.reconfigure()
        np.testing.assert_array_equal(acc(np.ones((3, 7), dtype=np.int32)), 1)


def test_extra_words_raise_dma_error(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        acc.inject_fault("extra_words")
        with pytest.raises(zynqnn.DmaError, match="DMAIntErr"):
            acc(np.zeros((3, 7), dtype=np.int32))


def test_unknown_fault_kind(kernels):
    with zynqnn.Accelerator(kernels["int8"]) as acc:
        with pytest.raises(ValueError, match="fault kind"):
            acc.inject_fault("gremlins")
