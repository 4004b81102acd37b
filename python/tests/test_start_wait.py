"""The call in two steps: ``acc.start(...)`` -> ``zynqnn.Run`` (``wait(timeout)``, ``abort()``)
on the virtual board, whose modeled time makes ``wait(0)`` find the call still running."""
import gc

import numpy as np
import pytest

import zynqnn


def frame(seed, dtype=np.int32, shape=(3, 7)):
    return (np.arange(np.prod(shape)).reshape(shape) * 3 + seed).astype(dtype)


def test_start_then_wait_returns_what_the_call_returns(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        x = frame(1)
        run = acc.start(x)
        assert isinstance(run, zynqnn.Run) and run.pending
        y = run.wait()
        assert not run.pending
        np.testing.assert_array_equal(y, acc(x))
        assert y.dtype == acc.outputs["y"].dtype and y.shape == (3, 7)
        assert run.wait() is y  # the ended call's outputs again


def test_a_wait_of_zero_is_pending_and_a_later_wait_completes(kernels):
    with zynqnn.Accelerator(kernels["float32"], board="virtual") as acc:
        x = frame(2, np.float32)
        run = acc.start(x)
        assert run.wait(0) is None
        assert run.pending
        np.testing.assert_array_equal(run.wait(1.0), x)
        assert acc.stats()["calls"] == 1


def test_named_inputs_give_named_outputs(kernels):
    with zynqnn.Accelerator(kernels["two_inputs"], board="virtual") as acc:
        a = np.arange(-4, 4, dtype=np.int16)
        b = np.linspace(-1, 1, 8, dtype=np.float32)
        out = acc.start(a=a, b=b).wait()
        np.testing.assert_array_equal(out["a_out"], a)
        np.testing.assert_array_equal(out["b_out"], b)


def test_fixed_point_outputs_are_decoded(kernels):
    with zynqnn.Accelerator(kernels["fixed<16,8>"], board="virtual") as acc:
        x = np.round(np.linspace(-50, 50, 21).reshape(3, 7) * 256) / 256
        np.testing.assert_array_equal(acc.start(x).wait(), x)


def test_inputs_are_verified_before_anything_starts(kernels):
    with zynqnn.Accelerator(kernels["int16"], board="virtual") as acc:
        with pytest.raises(TypeError):
            acc.start(np.zeros((3, 7), dtype=np.float64))  # lossy without lossy=True
        with pytest.raises(ValueError):
            acc.start(np.zeros((7, 3), dtype=np.int16))
        with pytest.raises(TypeError):
            acc.start(frame(3, np.int16), x=frame(3, np.int16))
        with pytest.raises(TypeError):
            acc.start(z=frame(3, np.int16))
        assert acc.stats()["calls"] == 0
        x = frame(4, np.int16)
        np.testing.assert_array_equal(acc.start(x).wait(), x)  # nothing was left started
    with zynqnn.Accelerator(kernels["two_inputs"], board="virtual") as acc:
        with pytest.raises(TypeError, match="2 inputs"):
            acc.start(np.zeros(8, dtype=np.int16))


def test_a_second_start_is_refused_while_a_call_runs(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        x = frame(5)
        run = acc.start(x)
        with pytest.raises(zynqnn.Error, match="has not ended"):
            acc.start(frame(6))
        np.testing.assert_array_equal(run.wait(), x)
        np.testing.assert_array_equal(acc.start(frame(7)).wait(), frame(7))


def test_abort_stops_the_call_and_the_next_call_is_right(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        run = acc.start(frame(8))
        assert run.wait(0) is None
        run.abort()
        assert not run.pending
        with pytest.raises(RuntimeError, match="aborted"):
            run.wait()
        assert acc.stats()["aborts"] == 1
        acc.reconfigure()  # words of the frame stopped inside the kernel
        np.testing.assert_array_equal(acc(frame(9)), frame(9))


def test_a_hang_stays_pending_until_aborted(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        acc.inject_fault("hang")
        run = acc.start(frame(10))
        assert run.wait(0.001) is None
        assert run.wait(0.001) is None
        run.abort()
        acc.reconfigure()
        np.testing.assert_array_equal(acc.start(frame(11)).wait(), frame(11))


def test_a_dropped_pending_run_is_aborted(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        run = acc.start(frame(12))
        assert run.wait(0) is None
        del run
        gc.collect()
        assert acc.stats()["aborts"] == 1
        acc.reconfigure()
        np.testing.assert_array_equal(acc(frame(13)), frame(13))
        with acc.start(frame(14)) as run:  # leaving the block aborts a call still running
            pass
        assert acc.stats()["aborts"] == 2


def test_close_aborts_a_started_call(kernels):
    acc = zynqnn.Accelerator(kernels["int32"], board="virtual")
    run = acc.start(frame(15))
    acc.close()
    with pytest.raises(zynqnn.ClosedError):
        run.wait()
    run.abort()  # nothing left to do
    with pytest.raises(zynqnn.ClosedError):
        acc.start(frame(16))
