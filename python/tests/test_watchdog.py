"""zynqnn.Watchdog: the C++ watchdog through the C ABI. Each outcome provoked by fault injection
and classified, the ladder healing a persistent fault, failure records, alarms to a JSON-lines
sink and a callback, the calibration persisted next to the manifest and reused, refused
configurations."""
import json
import shutil

import numpy as np
import pytest

import zynqnn
from conftest import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One int32 pass-through kernel (x -> y, shape (3, 7)) and one fixed-point one."""
    root = tmp_path_factory.mktemp("watchdog_kernels")
    return {
        "int32": generate(root, "wd_pass_int32", [
            {"name": "x", "direction": "in", "type": "int32", "shape": [3, 7]},
            {"name": "y", "direction": "out", "type": "int32", "shape": [3, 7]}]),
        "fixed": generate(root, "wd_pass_fixed", [
            {"name": "x", "direction": "in", "type": "fixed<16,8>", "shape": [4]},
            {"name": "y", "direction": "out", "type": "fixed<16,8>", "shape": [4]}]),
    }


@pytest.fixture
def manifest(generated, tmp_path):
    """A private copy of the int32 kernel: calibrations are stored next to the manifest."""
    folder = tmp_path / "kernel"
    shutil.copytree(generated["int32"].parent, folder)
    return folder / "manifest.json"


@pytest.fixture
def acc(manifest):
    with zynqnn.Accelerator(manifest, board="virtual") as accelerator:
        yield accelerator


def frame(seed):
    return (np.arange(21, dtype=np.int32).reshape(3, 7) * 13 + seed * 1000).astype(np.int32)


def test_clean_call_returns_the_outputs_shaped_and_typed(acc):
    with zynqnn.Watchdog(acc, calibrate=30) as wd:
        result = wd(frame(1))
        assert result.delivered and not result.fallback
        assert result.outcome == "ok" and result.attempts == 1 and result.actions == ()
        assert result.output.dtype == np.int32 and result.output.shape == (3, 7)
        np.testing.assert_array_equal(result.output, frame(1))
        np.testing.assert_array_equal(wd.run(x=frame(2)).outputs["y"], frame(2))
        assert 0 < result.latency_ns <= result.threshold_ns == wd.threshold_ns
        counters = wd.counters()
        assert counters["calls"] == 2 and counters["outcomes"]["ok"] == 2 and counters["failures"] == 0
        assert wd.deadline_ns == 4 * wd.threshold_ns
        assert wd.failures() == []


def test_inputs_are_verified_like_the_accelerator_before_anything_runs(acc):
    with zynqnn.Watchdog(acc, calibrate=30) as wd:
        with pytest.raises(TypeError, match="lossy"):
            wd(frame(1).astype(np.float64))
        with pytest.raises(ValueError, match="shape"):
            wd(np.zeros((7, 3), dtype=np.int32))
        with pytest.raises(ValueError, match="outside the range"):
            wd(np.full((3, 7), 2**40, dtype=np.int64))
        with pytest.raises(TypeError, match="missing"):
            wd.run()
        with pytest.raises(TypeError, match="unknown"):
            wd.run(x=frame(1), z=frame(1))
        assert wd.counters()["calls"] == 0  # nothing reached the hardware
        np.testing.assert_array_equal(wd(frame(3).astype(np.int16)).output, frame(3))  # exact: accepted


@pytest.mark.parametrize("fault, outcome", [
    ("hang", "hang"), ("missing_tlast", "hang"), ("bus_error", "dma_error"), ("extra_words", "dma_error"),
    ("stall", "slow"),
])
def test_each_fault_is_detected_classified_and_answered(acc, fault, outcome):
    # A deadline of 20 thresholds lets a stalled frame (8x slower) finish: slow, not hang.
    with zynqnn.Watchdog(acc, calibrate=30, deadline_factor=20) as wd:
        acc.inject_fault(fault)
        result = wd(frame(4))
        assert result.outcome == outcome, result.detail
        assert result.delivered and result.anomaly
        np.testing.assert_array_equal(result.output, frame(4))
        if outcome == "slow":
            assert result.attempts == 1 and result.latency_ns > result.threshold_ns
        else:
            assert result.attempts >= 2 and "retry" in result.actions and result.recovery_ns > 0
        after = wd(frame(5))
        assert after.outcome == "ok", after.detail
        np.testing.assert_array_equal(after.output, frame(5))
        assert wd.counters()["outcomes"][outcome] == 1


def test_corrupted_output_is_caught_by_the_canary(acc):
    with zynqnn.Watchdog(acc, calibrate=30, canary_interval=1) as wd:
        acc.inject_fault("corrupt_output", persistent=True)
        result = wd(frame(6))
        assert result.canary == "canary_mismatch" and result.anomaly
        assert result.actions[0] == "canary" and "reconfigure" in result.actions
        assert result.delivered
        np.testing.assert_array_equal(result.output, frame(6))  # computed on the reloaded PL
        assert wd(frame(7)).canary == "ok"


def test_the_ladder_heals_a_persistent_fault(acc):
    with zynqnn.Watchdog(acc, calibrate=30) as wd:
        acc.inject_fault("hang", persistent=True)
        result = wd(frame(8))
        assert result.outcome == "hang" and result.delivered
        assert result.actions == ("abort", "retry", "reconfigure", "retry")  # the reset did not help, the reload did
        np.testing.assert_array_equal(result.output, frame(8))
        assert wd.counters()["reconfigurations"] == 1
        assert wd(frame(9)).outcome == "ok"


def test_an_unanswered_call_is_a_failure_record_and_alarms_reach_the_sinks(acc, tmp_path):
    events = []
    alarms = tmp_path / "alarms.jsonl"
    with zynqnn.Watchdog(acc, policy="none", threshold_ns=200_000, escalate_after=2, jsonl=alarms,
                         on_alarm=events.append) as wd:
        acc.inject_fault("bus_error", persistent=True)
        results = [wd(frame(k)) for k in range(3)]
        for k, result in enumerate(results):
            assert not result.delivered and result.outputs is None
            assert result.outcome == "dma_error" and "DMASlvErr" in result.detail
            assert result.failure.index == k and result.failure.outcome == "dma_error"
            with pytest.raises(zynqnn.CallNotAnswered) as caught:
                result.output
            assert caught.value.failure is result.failure
        records = wd.failures()
        assert [r.index for r in records] == [0, 1, 2]
        assert all(r.attempts == 1 and r.time_ns > 0 for r in records)
        assert wd.counters()["failures"] == 3
    lines = [json.loads(line) for line in alarms.read_text().splitlines()]
    assert len(lines) == 1  # one escalation per streak of K = 2
    assert lines[0]["event"] == "escalation" and lines[0]["input_index"] == 1
    assert lines[0]["consecutive_anomalies"] == 2 and lines[0]["outcome"] == "dma_error"
    assert events == lines


def test_the_calibration_is_persisted_next_to_the_manifest_and_reused(acc, manifest):
    with zynqnn.Watchdog(acc, calibrate=40) as wd:
        first = wd.calibration()
    stored = manifest.parent / "calibration.json"
    assert stored.is_file()
    assert first["calls"] == 40 and first["threshold_ns"] >= first["median_ns"] > 0
    assert json.loads(stored.read_text())["threshold_ns"] == first["threshold_ns"]
    with zynqnn.Watchdog(acc) as wd:  # no threshold given: the stored calibration
        assert wd.calibration() == first and wd.threshold_ns == first["threshold_ns"]
    with zynqnn.Watchdog(acc, calibrate=25) as wd:  # a matching calibration is reused, not redone
        assert wd.calibration()["calls"] == 40
    with zynqnn.Watchdog(acc, calibrate=25, recalibrate=True) as wd:
        assert wd.calibration()["calls"] == 25
        copy = manifest.parent / "copy.json"
        wd.save_calibration(copy)
        assert json.loads(copy.read_text())["calls"] == 25


def test_calibration_on_representative_inputs(acc):
    samples = np.stack([frame(k) for k in range(5)])
    with zynqnn.Watchdog(acc, policy="adaptive", calibrate=20, calibration_inputs=samples,
                         save_calibration=False) as wd:
        result = wd(frame(11))
        assert result.canary == "ok"  # the canary (sample 0) runs before the first call
        np.testing.assert_array_equal(result.output, frame(11))
    with pytest.raises(ValueError, match="shape"):
        zynqnn.Watchdog(acc, calibrate=20, calibration_inputs=np.zeros((3, 2, 2), np.int32))


def test_fixed_point_outputs_are_decoded(generated, tmp_path):
    folder = tmp_path / "fixed"
    shutil.copytree(generated["fixed"].parent, folder)
    with zynqnn.Accelerator(folder / "manifest.json") as acc, zynqnn.Watchdog(acc, calibrate=20) as wd:
        x = np.array([0.5, -1.25, 3.0, 100.00390625])
        result = wd(x)
        assert result.output.dtype == np.float64
        np.testing.assert_array_equal(result.output, x)


def test_bad_configurations_are_refused_with_the_field_named(acc, manifest):
    with pytest.raises(zynqnn.WatchdogConfigError, match="threshold_ns") as caught:
        zynqnn.Watchdog(acc, threshold_ns=-1)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(zynqnn.WatchdogConfigError, match="unknown policy 'hopeful'"):
        zynqnn.Watchdog(acc, policy="hopeful", threshold_ns=1000)
    with pytest.raises(zynqnn.WatchdogConfigError, match="deadline_factor"):
        zynqnn.Watchdog(acc, threshold_ns=1000, deadline_factor=0.5)
    with pytest.raises(zynqnn.WatchdogConfigError, match="calibrate"):
        zynqnn.Watchdog(acc, calibrate=-3)
    with pytest.raises(zynqnn.WatchdogConfigError, match="heals nothing"):
        zynqnn.Watchdog(acc, policy="none", threshold_ns=1000, retries=1)
    with pytest.raises(zynqnn.Error, match="no stored calibration"):
        zynqnn.Watchdog(acc)


def test_a_board_reload_without_bitstream_is_refused(manifest):
    data = json.loads(manifest.read_text())
    data["artifacts"]["bitstream"] = ""  # a design without a bitstream (simulated only)
    manifest.write_text(json.dumps(data))
    (manifest.parent / "zynqnn.stamp").unlink()  # edited by hand: no longer the generated whole
    with zynqnn.Accelerator(manifest) as acc:
        with pytest.raises(zynqnn.WatchdogConfigError, match="artifacts/bitstream"):
            zynqnn.Watchdog(acc, threshold_ns=100_000)
        with zynqnn.Watchdog(acc, policy="none", threshold_ns=100_000) as wd:  # never reloads: accepted
            assert wd(frame(1)).delivered


def test_the_cpu_fallback_answers_as_the_pl_does(tmp_path):
    from zynqnn import bench  # its kernel computes something: ten sums of a uint8 image, as float32

    manifest = bench.generate_kernel(tmp_path / "bench")
    image = (np.arange(784) % 251).astype(np.uint8)
    with zynqnn.Accelerator(manifest) as acc:
        with zynqnn.Watchdog(acc, calibrate=20, retries=0, fallback=True, pl_probe_interval=4) as wd:
            from_pl = wd(image)
            assert from_pl.delivered and not from_pl.fallback
            acc.inject_fault("hang", persistent=True)
            from_cpu = wd(image)
            assert from_cpu.outcome == "hang" and from_cpu.delivered and from_cpu.fallback
            assert "fallback" in from_cpu.actions and wd.pl_down
            np.testing.assert_array_equal(from_cpu.output, from_pl.output)  # same input, same answer
            other = image[::-1].copy()
            while_down = wd(other)
            assert while_down.fallback and while_down.attempts == 0
            expected = np.array([other[(np.arange(784) * 10) // 784 == k].sum() for k in range(10)], np.float32)
            np.testing.assert_array_equal(while_down.output, expected)
            assert wd.counters()["fallbacks"] == 2 and wd.failures() == []
        with zynqnn.Watchdog(acc, calibrate=20) as wd:  # opt-in: without it, no fallback answers
            acc.inject_fault("hang", persistent=True)
            assert not wd(image).fallback


def test_closed_watchdog_and_closed_accelerator(manifest):
    acc = zynqnn.Accelerator(manifest)
    wd = zynqnn.Watchdog(acc, calibrate=20)
    acc.close()  # the watchdog keeps the native accelerator until it is closed itself
    with pytest.raises(zynqnn.Error, match="closed"):
        wd(frame(1))
    wd.close()
    with pytest.raises(zynqnn.Error, match="watchdog is closed"):
        wd(frame(1))
    with pytest.raises(zynqnn.Error, match="closed"):
        zynqnn.Watchdog(acc, threshold_ns=1000)
