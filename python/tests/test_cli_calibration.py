"""`zynqnn compile --precision int8 --calib FILE.npy`: calibration data is checked like any
input; a NaN or an infinity is refused with its position, not turned into a scale of 1.0."""
import subprocess

import numpy as np
import pytest

from conftest import CLI, REPO

MODEL = REPO / "examples" / "fashion_mnist" / "fashion_cnn.onnx"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_compile_refuses_non_finite_calibration_values(tmp_path, bad):
    calib = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    calib[1, 0, 5, 7] = bad
    np.save(tmp_path / "calib.npy", calib)
    result = subprocess.run([str(CLI), "compile", str(MODEL), "-o", str(tmp_path / "out"), "--precision", "int8",
                             "--calib", str(tmp_path / "calib.npy")], capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    position = 1 * 784 + 5 * 28 + 7
    assert f"calibration value {position} (input 1, element {5 * 28 + 7})" in result.stderr, result.stderr
    assert "must be finite" in result.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()
