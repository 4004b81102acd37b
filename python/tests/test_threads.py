"""One Accelerator and one Watchdog shared by 32 threads: each thread sends its own frames and
must get exactly its own answers (the kernels pass their input through); close() racing with
the calls ends them with ClosedError, never a crash or another thread's data. Every wait is
bounded (thread joins and the barrier have timeouts)."""
import threading

import numpy as np
import pytest

import zynqnn

THREADS = 32
CALLS = 40
WAIT_S = 120  # the longest any join or barrier may wait


def frame(thread, call, dtype=np.int32, shape=(3, 7)):
    """A frame no other thread and no other call of this thread sends."""
    size = int(np.prod(shape))
    values = (np.arange(size, dtype=np.int64) + thread * 100_000 + call * 100) % 2**31
    return values.astype(dtype).reshape(shape)


def on_threads(body):
    """Runs body(thread) on THREADS threads released together; returns the exceptions raised."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def run(thread):
        try:
            barrier.wait(timeout=WAIT_S)
            body(thread)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT_S)
        assert not thread.is_alive(), "a thread did not finish in time"
    return errors


def call_kinds(acc):
    """The ways a thread calls: the fast path (acc(x)), run() and acc(x) through the Python path."""
    return [lambda x: acc(x),
            lambda x: acc.run(x=x)["y"],
            lambda x: acc(x.tolist())]  # a list: verified and copied in Python, then the locked call


@pytest.mark.parametrize("element_type, dtype", [("int32", np.int32), ("float32", np.float32)])
def test_every_thread_gets_its_own_answer_from_one_accelerator(kernels, element_type, dtype):
    wrong, ok = [], []
    with zynqnn.Accelerator(kernels[element_type], board="virtual", timeout=10.0) as acc:
        kinds = call_kinds(acc)

        def body(thread):
            call = kinds[thread % len(kinds)]
            for n in range(CALLS):
                x = frame(thread, n, dtype)
                y = call(x)
                (ok if np.array_equal(y, x) and y.dtype == dtype else wrong).append((thread, n))

        errors = on_threads(body)
        stats = acc.stats()
    assert errors == []
    assert wrong == []
    assert len(ok) == THREADS * CALLS
    assert stats["calls"] == stats["ok"] == THREADS * CALLS


def test_fast_path_is_taken_by_the_threads(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual") as acc:
        if acc._fast is None:
            pytest.skip("zynqnn._fast_call is not built or is turned off")
        x = frame(1, 1)
        assert np.array_equal(acc._fast(x), x)  # the fast path answered itself (not None)


def test_every_thread_gets_its_own_answer_from_one_watchdog(kernels):
    wrong, ok = [], []
    with zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=10.0) as acc:
        with zynqnn.Watchdog(acc, threshold_ns=1_000_000_000, retries=0) as wd:

            def body(thread):
                for n in range(CALLS):
                    x = frame(thread, n)
                    if thread % 8 == 7:  # a few threads call the accelerator directly beside it
                        y = acc(x)
                    else:
                        result = wd(x)
                        assert result.delivered, result
                        y = result.output
                    (ok if np.array_equal(y, x) else wrong).append((thread, n))
                    if n % 10 == 0:
                        wd.counters()  # readers beside the calls

            errors = on_threads(body)
            counters = wd.counters()
    assert errors == []
    assert wrong == []
    assert len(ok) == THREADS * CALLS
    assert counters["calls"] == (THREADS - THREADS // 8) * CALLS
    assert counters["failures"] == 0


def race_close(call, close):
    """Every thread calls until it is refused while close() runs once THREADS * 2 calls answered.
    Returns (wrong answers, answers, refusals, unexpected errors)."""
    wrong, ok, refused, unexpected = [], [], [], []
    enough = threading.Event()
    closed = threading.Event()

    def body(thread):
        for n in range(100_000):
            closed_before = closed.is_set()
            x = frame(thread, n)
            try:
                y = call(x)
            except zynqnn.ClosedError:
                refused.append(thread)
                return
            except Exception as error:  # noqa: BLE001 - reported by the test
                unexpected.append(error)
                return
            if closed_before:
                unexpected.append(AssertionError("a call after close() returned answered"))
            (ok if np.array_equal(y, x) else wrong).append((thread, n))
            if len(ok) >= THREADS * 2:
                enough.set()

    def closer():
        enough.wait(timeout=WAIT_S)
        close()
        closed.set()

    closing = threading.Thread(target=closer)
    closing.start()
    errors = on_threads(body)
    closing.join(timeout=WAIT_S)
    assert not closing.is_alive()
    return wrong, ok, refused, unexpected + errors


def test_close_racing_with_accelerator_calls(kernels):
    acc = zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=10.0)
    kinds = call_kinds(acc)
    wrong, ok, refused, unexpected = race_close(lambda x: kinds[int(x.flat[0]) // 100_000 % 3](x), acc.close)
    assert unexpected == []
    assert wrong == []
    assert len(ok) >= THREADS * 2
    assert sorted(refused) == list(range(THREADS))  # every thread ended on the clear error
    with pytest.raises(zynqnn.ClosedError, match="closed"):
        acc(frame(0, 0))
    with pytest.raises(ValueError):  # ClosedError is also a ValueError, like a closed file's
        acc.run(x=frame(0, 0))
    acc.close()  # idempotent


def test_close_racing_with_watchdog_calls(kernels):
    with zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=10.0) as acc:
        wd = zynqnn.Watchdog(acc, threshold_ns=1_000_000_000, retries=0)
        wrong, ok, refused, unexpected = race_close(lambda x: wd(x).output, wd.close)
        assert unexpected == []
        assert wrong == []
        assert len(ok) >= THREADS * 2
        assert sorted(refused) == list(range(THREADS))
        with pytest.raises(zynqnn.ClosedError, match="watchdog is closed"):
            wd(frame(0, 0))
        assert np.array_equal(acc(frame(2, 2)), frame(2, 2))  # the accelerator stays open


def test_closing_the_accelerator_refuses_its_watchdogs_calls(kernels):
    acc = zynqnn.Accelerator(kernels["int32"], board="virtual", timeout=10.0)
    wd = zynqnn.Watchdog(acc, threshold_ns=1_000_000_000, retries=0)
    assert np.array_equal(wd(frame(3, 3)).output, frame(3, 3))
    acc.close()
    with pytest.raises(zynqnn.Error, match="closed"):
        wd(frame(3, 4))
    with pytest.raises(zynqnn.ClosedError):
        zynqnn.Watchdog(acc, threshold_ns=1_000_000_000)
    wd.close()
