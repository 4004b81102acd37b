"""Exceptions raised by zynqnn.

Wrong inputs are refused before anything touches the hardware with the built-in
``TypeError`` (wrong kind of value, unknown or missing stream name) or ``ValueError``
(wrong shape, layout or values). Failures of a call on the hardware are ``zynqnn.Error``
subclasses; a missed deadline is also a built-in ``TimeoutError``.
"""


class Error(Exception):
    """Root of the errors zynqnn reports from the runtime. ``status`` is the C ABI code name."""

    def __init__(self, message, status="internal"):
        super().__init__(message)
        self.status = status


class DeadlineExceeded(Error, TimeoutError):
    """The call did not complete before its deadline (a hung or stalled kernel)."""

    def __init__(self, message, elapsed_s=None):
        if elapsed_s is not None:  # how long the call waited, on the board's clock
            message += f" (waited {elapsed_s * 1e3:,.3f} ms)"
        super().__init__(message, "timeout")
        self.elapsed_s = elapsed_s


class DmaError(Error):
    """The AXI DMA reported an error; ``dma_status`` is the raw DMASR, ``detail`` decoded."""

    def __init__(self, message, dma_status=0, detail=""):
        super().__init__(message, "dma_error")
        self.dma_status = dma_status
        self.detail = detail


class ShortOutputError(Error):
    """An output arrived with fewer bytes than the manifest says (TLAST came early)."""

    def __init__(self, message, detail=""):
        super().__init__(message, "short_output")
        self.detail = detail


class ClosedError(Error, ValueError):
    """A call on an accelerator or watchdog that is closed (or was closed while the call waited
    for the device); like a closed file's, also a built-in ``ValueError``."""

    def __init__(self, message):
        super().__init__(message, "bad_state")
