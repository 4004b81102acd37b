"""Under an address-space limit (ulimit -v) the virtual board's threads may not start: the CLI
and the Python layer report it as an error and exit on their own, never die by a signal
(std::terminate's SIGABRT). Each limit is swept over a range, since where the first refusal
lands (an allocation, a thread's stack) depends on the limit."""
import os
import subprocess
import sys

import pytest

from conftest import CLI

# KiB of address space: from too little to start at all to enough to finish.
LIMITS_KIB = [40_000] + list(range(70_000, 130_001, 5_000)) + [160_000, 250_000, 400_000]


def under_limit(kib, command, **kwargs):
    return subprocess.run(["bash", "-c", f'ulimit -v {kib} && exec "$@"', "under-limit", *command],
                          capture_output=True, text=True, timeout=120, **kwargs)


@pytest.mark.skipif(os.environ.get("ZYNQNN_UNDER_SANITIZER") == "1", reason="sanitizers reserve terabytes of address space")
def test_cli_under_an_address_space_limit_exits_with_an_error_not_a_signal():
    outcomes = {}
    for kib in LIMITS_KIB:
        result = under_limit(kib, [str(CLI), "loopback"])
        assert result.returncode >= 0, f"killed by signal {-result.returncode} at ulimit -v {kib}:\n{result.stderr}"
        if result.returncode != 0:
            assert result.stderr.startswith("zynqnn: error"), result.stderr
            assert "terminate called" not in result.stderr, result.stderr
        outcomes[kib] = "ran" if result.returncode == 0 else result.stderr.strip()
    # The sweep reaches both ends, and somewhere between them a thread the OS would not start.
    assert outcomes[LIMITS_KIB[-1]] == "ran", outcomes
    assert outcomes[LIMITS_KIB[0]] != "ran", outcomes
    assert any("cannot start the" in o and "thread" in o for o in outcomes.values()), outcomes


@pytest.mark.skipif(os.environ.get("ZYNQNN_UNDER_SANITIZER") == "1", reason="sanitizers reserve terabytes of address space")
@pytest.mark.parametrize("kib", [180_000, 230_000, 260_000, 300_000, 400_000, 600_000])
def test_python_under_an_address_space_limit_raises_not_aborts(kib, kernels):
    script = (
        "import sys, numpy as np, zynqnn\n"
        "try:\n"
        f"    acc = zynqnn.Accelerator({str(kernels['int32'])!r}, board='virtual')\n"
        "    x = np.arange(21, dtype=np.int32).reshape(3, 7)\n"
        "    assert (acc(x) == x).all()\n"
        "    print('ran')\n"
        "except (zynqnn.Error, MemoryError, OSError) as e:\n"
        "    print('refused:', type(e).__name__, e)\n"
    )
    result = under_limit(kib, [sys.executable, "-c", script], env=os.environ.copy())
    assert result.returncode >= 0, f"killed by signal {-result.returncode} at ulimit -v {kib}:\n{result.stderr}"
    if result.returncode != 0:
        # Too little to import numpy at all is Python's own ImportError/MemoryError, not ours.
        assert "Error" in result.stderr, result.stderr
    else:
        assert "ran" in result.stdout or "refused:" in result.stdout, result.stdout
