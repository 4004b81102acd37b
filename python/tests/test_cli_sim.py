"""`zynqnn sim`: a generated kernel on the virtual board through the driver, .npy in and out."""
import json
import subprocess

import numpy as np

from conftest import CLI, REPO


def test_sim_runs_a_user_compute_kernel_with_a_partial_last_word(tmp_path):
    out = tmp_path / "out"
    subprocess.run([str(CLI), "generate", str(REPO / "examples" / "specs" / "adder.json"), "-o", str(out)],
                   check=True, capture_output=True)
    a = np.arange(-50, 51, dtype=np.int16)              # 101 int16: the last 32-bit word is half full
    b = (np.arange(101) * 7 % 256).astype(np.uint8)     # 101 uint8: the last word holds one byte
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    result = subprocess.run([str(CLI), "sim", str(out), "--input", f"a={tmp_path / 'a.npy'}",
                             "--input", f"b={tmp_path / 'b.npy'}", "--output-dir", str(tmp_path / "res"), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "ok" and report["elapsed_ns"] > 0
    total = np.load(report["outputs"]["sum"])
    assert total.dtype == np.int32 and total.shape == (101,)
    np.testing.assert_array_equal(total, a.astype(np.int32) + b)


def test_sim_refuses_a_wrong_dtype_and_a_missing_input(tmp_path):
    out = tmp_path / "out"
    subprocess.run([str(CLI), "generate", str(REPO / "examples" / "specs" / "adder.json"), "-o", str(out)],
                   check=True, capture_output=True)
    np.save(tmp_path / "a.npy", np.zeros(101, dtype=np.int32))
    np.save(tmp_path / "b.npy", np.zeros(101, dtype=np.uint8))
    wrong = subprocess.run([str(CLI), "sim", str(out), "--input", f"a={tmp_path / 'a.npy'}",
                            "--input", f"b={tmp_path / 'b.npy'}", "--output-dir", str(tmp_path / "r")],
                           capture_output=True, text=True)
    assert wrong.returncode != 0
    assert "dtype int32 does not match the stream's int16" in wrong.stderr
    missing = subprocess.run([str(CLI), "sim", str(out), "--input", f"b={tmp_path / 'b.npy'}",
                              "--output-dir", str(tmp_path / "r")], capture_output=True, text=True)
    assert missing.returncode != 0 and 'no --input for stream "a"' in missing.stderr
    assert not (tmp_path / "r").exists()  # nothing written for a refused call
