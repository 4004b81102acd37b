"""The package installs into a fresh virtual environment with the README's command and
works from there (not from the source tree)."""
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import REPO

TORCH_MODEL = REPO / "tests" / "models" / "torch" / "dynamo" / "softmax_cnn.onnx"  # weights in a .data file


def development_build_compilers():
    """CC and CXX as the development build found them (its CMakeCache.txt). The package's build
    would otherwise take Python's own (x86_64-linux-gnu-g++), and ccache, which tells compilers
    apart by the name they are called by, would serve it none of the objects make build compiled."""
    cache = Path(os.environ.get("ZYNQNN_CLI", "")).parent.parent / "CMakeCache.txt"
    if not cache.is_file():
        return {}
    compilers = {}
    for line in cache.read_text().splitlines():
        for entry, variable in (("CMAKE_CXX_COMPILER:", "CXX"), ("CMAKE_C_COMPILER:", "CC")):
            if line.startswith(entry):
                compilers[variable] = line.split("=", 1)[1]
    return compilers


@pytest.mark.skipif(os.environ.get("ZYNQNN_SKIP_INSTALL_TEST") == "1", reason="ZYNQNN_SKIP_INSTALL_TEST=1")
def test_pip_install_into_a_fresh_venv(tmp_path, kernels):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    compilers = development_build_compilers()
    environment = {k: v for k, v in os.environ.items() if k not in ("ZYNQNN_LIBRARY", "ZYNQNN_CLI", "PYTHONPATH")}
    environment.update({k: v for k, v in compilers.items() if k not in environment})
    # The README's command: pip install . (from the repository root), with the versions the
    # suite pins, for the package's dependencies and for its build (scikit-build-core).
    constraints = str(REPO / "python" / "constraints" / "dev.txt")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", constraints, "pip"], check=True, env=environment)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", constraints, "--build-constraint", constraints, "."],
                   cwd=REPO, check=True, env=environment)
    script = (
        "import numpy as np, zynqnn, sys\n"
        "assert 'site-packages' in zynqnn.__file__, zynqnn.__file__\n"
        f"acc = zynqnn.Accelerator({str(kernels['int32'])!r}, board='virtual')\n"
        "x = np.arange(21, dtype=np.int32).reshape(3, 7)\n"
        "assert (acc(x) == x).all()\n"
        "from zynqnn._native import fast_call\n"
        "assert fast_call is not None and 'site-packages' in fast_call.__file__, fast_call\n"
        "assert acc._fast is not None\n"
        # The compiler came with the package: compile a PyTorch export and run it as a model.
        "from zynqnn.commands import executable\n"
        "assert 'site-packages' in str(executable()), executable()\n"
        f"compiled = zynqnn.compile({str(TORCH_MODEL)!r}, 'net')\n"
        "with compiled.open() as model:\n"
        "    y = model.predict(np.zeros((2, 1, 28, 28), np.float32))\n"
        "assert y.shape == (2, 10) and np.allclose(y.sum(axis=1), 1.0), y\n"
        "print('installed ok', zynqnn.__file__)\n"
    )
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "installed ok" in result.stdout
    # The console command: the packaged executable, whatever the working folder.
    command = env_dir / "bin" / "zynqnn"
    version = subprocess.run([str(command), "--version"], cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert version.returncode == 0 and "0.1.0" in version.stdout, version.stdout + version.stderr
    compiled = subprocess.run([str(command), "compile", str(TORCH_MODEL), "--output", str(tmp_path / "cli_net")],
                              cwd=tmp_path, env=environment, capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    assert (tmp_path / "cli_net" / "sim" / "libkernel.so").is_file()
