"""zynqnn: streaming kernels and DNNs on PYNQ (Zynq-7000) boards, and a virtual board.

    import numpy as np, zynqnn
    with zynqnn.Accelerator("out/manifest.json", board="virtual") as acc:
        y = acc(np.arange(1024, dtype=np.int32))
        run = acc.start(np.arange(1024, dtype=np.int32))   # returns at once; the PL works
        y = run.wait(timeout=0.01)                          # None while still running
    with zynqnn.Watchdog(acc, calibrate=200) as wd:     # calls kept answering (docs/watchdog.md)
        result = wd(np.arange(1024, dtype=np.int32))
"""
from .accelerator import Accelerator, DmaArray, Stream
from .run import Run
from .model import Model
from .commands import Compiled, Estimate, compile, estimate, generate
from .errors import ClosedError, DeadlineExceeded, DmaError, Error, ShortOutputError
from .report_page import report
from .watchdog import CallNotAnswered, FailureRecord, Watchdog, WatchdogConfigError, WatchdogResult

__all__ = ["Accelerator", "DmaArray", "Model", "compile", "estimate", "generate", "report", "Compiled", "Estimate", "Stream", "Run",
           "Error", "ClosedError", "DmaError", "DeadlineExceeded", "ShortOutputError", "Watchdog", "WatchdogResult",
           "FailureRecord", "CallNotAnswered", "WatchdogConfigError"]
__version__ = "0.1.0"
