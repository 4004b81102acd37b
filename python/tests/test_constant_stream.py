"""A kernel with a constant input stream (its coefficients come from a file next to the
manifest): zynqnn.Accelerator and the generated wrapper ask only for the data input, and the
output proves the coefficients were sent."""
import importlib.util
import inspect
import json
import subprocess

import numpy as np
import pytest

from conftest import CLI

N = 45  # odd: the last 32-bit word of each int16 frame is half padding

COMPUTE = """#include <stdint.h>
#include "hls_stream.h"
void scale(hls::stream<int16_t>& coeff, hls::stream<int16_t>& x, hls::stream<int32_t>& y) {
  for (int i = 0; i < 45; ++i) {
#pragma HLS PIPELINE II=1
    const int32_t c = coeff.read();
    y.write((int32_t)x.read() * c + c);  // not symmetric: a swapped stream order shows
  }
}
"""


def coefficients():
    return (np.arange(N, dtype=np.int32) * 37 - 700).astype(np.int16)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    folder = tmp_path_factory.mktemp("constant")
    frame = np.zeros(2 * ((N + 1) // 2), dtype=np.int16)  # 23 words of two int16
    frame[:N] = coefficients()
    (folder / "coefficients.bin").write_bytes(frame.tobytes())
    (folder / "scale.cpp").write_text(COMPUTE)
    spec = {
        "kernel": "scaler",
        "board": "pynq-z2",
        "streams": [
            {"name": "coeff", "direction": "in", "type": "int16", "shape": [N], "constant": "coefficients.bin"},
            {"name": "x", "direction": "in", "type": "int16", "shape": [N]},
            {"name": "y", "direction": "out", "type": "int32", "shape": [N]},
        ],
        "compute": {"source": "scale.cpp", "function": "scale"},
    }
    (folder / "spec.json").write_text(json.dumps(spec))
    out = folder / "out"
    subprocess.run([str(CLI), "generate", str(folder / "spec.json"), "-o", str(out)], check=True, capture_output=True)
    return out / "manifest.json"


def expected():
    return samples().astype(np.int32) * coefficients() + coefficients()


def samples():
    return (np.arange(N, dtype=np.int32) * 113 - 2000).astype(np.int16)


def test_the_accelerator_asks_only_for_the_data_input(manifest):
    import zynqnn

    with zynqnn.Accelerator(manifest, board="virtual", timeout=1.0) as acc:
        assert list(acc.inputs) == ["x"]
        for _ in range(2):
            y = acc(samples())
            np.testing.assert_array_equal(y, expected())
        with pytest.raises(TypeError, match="unknown \\['coeff'\\]"):
            acc.run(coeff=coefficients(), x=samples())


def test_the_generated_wrapper_takes_only_the_data_input(manifest):
    path = manifest.parent / "python" / "scaler.py"
    spec = importlib.util.spec_from_file_location("scaler", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert list(inspect.signature(module.scaler.run).parameters) == ["self", "x"]
    assert "coeff: constant input" in inspect.getdoc(module)
    with module.scaler(board="virtual") as kernel:
        np.testing.assert_array_equal(kernel(samples()), expected())  # one output: the array


def test_sim_takes_only_the_data_input(manifest, tmp_path):
    np.save(tmp_path / "x.npy", samples())
    np.save(tmp_path / "coeff.npy", coefficients())
    sim = [str(CLI), "sim", str(manifest.parent), "--output-dir", str(tmp_path / "out")]
    subprocess.run(sim + ["--input", f"x={tmp_path / 'x.npy'}"], check=True, capture_output=True)
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "y.npy"), expected())
    done = subprocess.run(sim + ["--input", f"x={tmp_path / 'x.npy'}", "--input", f"coeff={tmp_path / 'coeff.npy'}"],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "is a constant stream" in done.stderr + done.stdout
