"""The typed wrapper that `zynqnn generate` writes (OUT/python/<kernel>.py): imported from
the generated folder, run on the virtual board, documented with every stream's name, shape
and dtype."""
import importlib.util
import inspect

import numpy as np
import pytest

from conftest import generate


@pytest.fixture(scope="module")
def wrapper_module(tmp_path_factory):
    manifest = generate(tmp_path_factory.mktemp("wrapper"), "typed_pair", [
        {"name": "pixels", "direction": "in", "type": "int16", "shape": [8]},
        {"name": "gain", "direction": "in", "type": "fixed<16,8>", "shape": [2, 4]},
        {"name": "pixels_out", "direction": "out", "type": "int16", "shape": [8]},
        {"name": "gain_out", "direction": "out", "type": "fixed<16,8>", "shape": [2, 4]},
    ])
    path = manifest.parent / "python" / "typed_pair.py"
    assert path.is_file()
    spec = importlib.util.spec_from_file_location("typed_pair", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_wrapper_runs_the_kernel_on_the_virtual_board(wrapper_module):
    with wrapper_module.typed_pair(board="virtual", timeout=0.5) as kernel:
        pixels = np.arange(-4, 4, dtype=np.int16)
        gain = np.arange(8, dtype=np.float64).reshape(2, 4) / 4  # on the 2**-8 grid
        out = kernel(pixels, gain)
        assert set(out) == {"pixels_out", "gain_out"}
        np.testing.assert_array_equal(out["pixels_out"], pixels)
        assert out["pixels_out"].dtype == np.int16
        np.testing.assert_array_equal(out["gain_out"], gain)
        assert out["gain_out"].dtype == np.float64 and out["gain_out"].shape == (2, 4)
        again = kernel.run(pixels=pixels[::-1].copy(), gain=gain)
        np.testing.assert_array_equal(again["pixels_out"], pixels[::-1])


def test_the_wrapper_verifies_inputs(wrapper_module):
    with wrapper_module.typed_pair() as kernel:
        with pytest.raises(ValueError, match=r"stream 'pixels': expected shape \(8,\)"):
            kernel(np.zeros(9, dtype=np.int16), np.zeros((2, 4)))
        with pytest.raises(ValueError, match=r"stream 'gain'.*not on the grid"):
            kernel(np.zeros(8, dtype=np.int16), np.full((2, 4), 0.001))
        np.testing.assert_array_equal(kernel(np.ones(8, dtype=np.int16), np.zeros((2, 4)))["pixels_out"], 1)


def test_the_docstrings_carry_names_shapes_and_dtypes(wrapper_module):
    module_doc = inspect.getdoc(wrapper_module)
    run_doc = inspect.getdoc(wrapper_module.typed_pair.run)
    for text in (module_doc, run_doc):
        assert "pixels" in text and "gain" in text and "pixels_out" in text and "gain_out" in text
        assert "(8,)" in text and "(2, 4)" in text
        assert "int16" in text and "fixed<16,8>" in text
    assert "pixels: shape (8,), int16 (NumPy int16)" in run_doc
    assert "gain: shape (2, 4), fixed<16,8>" in run_doc and "2**-8" in run_doc
    assert '"gain_out": shape (2, 4), fixed<16,8> (real values as float64)' in run_doc
    assert list(inspect.signature(wrapper_module.typed_pair.__call__).parameters) == ["self", "pixels", "gain"]
    assert inspect.getdoc(wrapper_module.typed_pair.__call__)
