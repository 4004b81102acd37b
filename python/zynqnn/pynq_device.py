"""PYNQ's own code on the virtual board: a ``pynq.Device`` for a generated folder.

    import numpy as np
    from pynq import Overlay, allocate
    from zynqnn.pynq_device import VirtualPynqDevice

    dev = VirtualPynqDevice("out")                     # also made PYNQ's active device
    ol = Overlay(str(dev.hwh_path), device=dev)         # loads = reconfigures the virtual PL
    buf_in = allocate(shape=(1024,), dtype=np.int32, target=dev)
    buf_out = allocate(shape=(1024,), dtype=np.int32, target=dev)
    ol.axi_dma_0.recvchannel.transfer(buf_out); ol.axi_dma_0.sendchannel.transfer(buf_in)
    ol.axi_dma_0.sendchannel.wait(); ol.axi_dma_0.recvchannel.wait()

PYNQ 3.1's ``Overlay``, ``MMIO``, ``allocate`` and ``pynq.lib.dma.DMA`` run unchanged: the
device offers the REGISTER_RW capability (PYNQ's MMIO then calls ``read_registers`` and
``write_registers`` with physical addresses, which the C ABI routes to the virtual board's
DMA models), allocates ``PynqBuffer``\\ s over the simulated DDR at their physical addresses,
parses the design's .hwh with PYNQ's own metadata parser, and reloads the virtual PL on
``download``. This module imports ``pynq``: import it only where pynq is installed (the rest of
zynqnn never imports it). See docs/pynq-on-virtual-board.md.
"""
import os
import warnings
from pathlib import Path

import numpy as np
import pynq
from pynq.buffer import PynqBuffer

from ._native import ffi, lib
from .accelerator import _manifest_path, _raise_for
from .errors import ClosedError
from .pynq_hwh import fclk_divisors, write_hwh

__all__ = ["VirtualPynqDevice"]

_PAGE = 4096  # PYNQ's buffers (XRT buffer objects) start on a page


class _ZynqClockRegisters:
    """The Zynq-7000 SLCR clock registers PYNQ's ``Clocks`` reads and writes when an overlay is
    downloaded (pynq/ps.py, ``_ClocksZynq``): the PLLs of a PYNQ-Z1/Z2 (50 MHz PS_CLK; IO PLL
    x20 = 1000 MHz, ARM PLL x26, DDR PLL x21) and FPGA0..3_CLK_CTRL. A plain register file: the
    virtual PL keeps the clock it was opened with, and a download that asks for another one is
    reported (``VirtualPynqDevice.download``)."""

    BASE, SIZE = 0xF8000000, 0x1000
    _FPGA_CLK_CTRL = (0x170, 0x180, 0x190, 0x1A0)

    def __init__(self, fclk0_mhz):
        self.words = {0x100: 26 << 12, 0x104: 21 << 12, 0x108: 20 << 12, 0x120: (2 << 8) | (0 << 4)}
        for index, offset in enumerate(self._FPGA_CLK_CTRL):
            div0, div1 = fclk_divisors(fclk0_mhz) if index == 0 else (10, 1)
            self.words[offset] = (div1 << 20) | (div0 << 8)

    def covers(self, address):
        return self.BASE <= address < self.BASE + self.SIZE

    def read(self, address):
        return self.words.get(address - self.BASE, 0)

    def write(self, address, value):
        self.words[address - self.BASE] = value

    def fclk_mhz(self, index):
        word = self.words[self._FPGA_CLK_CTRL[index]]
        div0, div1 = (word >> 8) & 0x3F, (word >> 20) & 0x3F
        io_pll_mhz = 50.0 * ((self.words[0x108] >> 12) & 0x7F)
        return io_pll_mhz / (div0 * div1) if div0 and div1 else 0.0


class _SimulatedDdrMemory:
    """``Device.default_memory``: PynqBuffers over the virtual board's simulated DDR. The
    simulated DDR is coherent, so ``flush``/``invalidate`` have nothing to do."""

    def __init__(self, device):
        self._device = device

    def allocate(self, shape, dtype, **kwargs):
        dtype = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        nbytes = max(count * dtype.itemsize, 1)
        data, physical = self._device._allocate(nbytes, _PAGE)
        buffer = PynqBuffer(shape, dtype, buffer=ffi.buffer(data, nbytes), device=self._device,
                            device_address=physical, bo=physical, coherent=True)
        # PynqBuffer.freebuffer returns the memory through these (pynq/buffer.py).
        buffer.memory, buffer.pointer, buffer.return_to = self, physical, self
        return buffer

    def return_pointer(self, physical):
        self._device._free(physical)


class VirtualPynqDevice(pynq.Device):
    """The design of the generated folder ``folder`` (or its manifest.json) on the virtual board,
    as a PYNQ device.

    ``time_mode`` "modeled" (default) or "real". In modeled time every AXI-Lite access costs the
    PL cycles of a register access (docs/virtual-board.md), so PYNQ's DMA driver, which
    busy-polls DMASR, sees time pass and its waits end; runs are deterministic and independent
    of the host's speed. "real": the steady clock.
    ``pl_clock_mhz`` (0: the manifest's clock) and ``seed`` as for the C ABI's
    zynqnn_virtual_board_options. ``make_active``: become ``pynq.Device.active_device``, as a
    board's one device is (PYNQ's ``allocate`` and ``MMIO`` without a device then use it).

    ``hwh_path``: the folder's Vivado .hwh (``artifacts.hwh``) when Vivado has built it, else
    one written from the manifest into ``<folder>/pynq/<kernel>.hwh`` (``hwh_source`` says which).
    """

    def __init__(self, folder, time_mode="modeled", pl_clock_mhz=0.0, seed=1, make_active=True):
        manifest = Path(_manifest_path(folder)).resolve()
        super().__init__(tag=f"zynqnn-virtual:{manifest.parent}")
        self.name = "zynqnn-virtual-pynq"
        self.arch = "armv7l"  # the Zynq-7000: PYNQ's Clocks then drive the SLCR model
        self.capabilities = {"REGISTER_RW": True, "MEMORY_MAPPED": False, "CALLABLE": False}
        self.timestamp = ""
        self.bitfile_name = None
        self.manifest_path = manifest
        options = ffi.new("zynqnn_virtual_board_options *")
        lib.zynqnn_virtual_board_options_init(options)
        mode = ffi.new("char[]", str(time_mode).encode())
        options.time_mode = mode
        options.pl_clock_mhz = float(pl_clock_mhz)
        options.seed = int(seed)
        handle = ffi.new("zynqnn_virtual_board **")
        status = lib.zynqnn_virtual_board_open(str(manifest).encode(), options, handle)
        if status != lib.ZYNQNN_OK:
            _raise_for(status)
        self._board = handle[0]
        self._closed = False
        self._outstanding = set()  # physical addresses of live buffers
        self.windows = self._windows()
        self._clocks = _ZynqClockRegisters(self._pl_clock_mhz(manifest, pl_clock_mhz))
        self.default_memory = _SimulatedDdrMemory(self)
        self.hwh_path, self.hwh_source = self._find_or_write_hwh(manifest)
        if make_active:
            pynq.Device.active_device = self

    # --- what PYNQ's MMIO calls (capability REGISTER_RW) ---

    def read_registers(self, address, length):
        words = self._words(address, length)
        values = np.empty(len(words), dtype="<u4")
        value = ffi.new("uint32_t *")
        for index, word_address in enumerate(words):
            if self._clocks.covers(word_address):
                values[index] = self._clocks.read(word_address)
                continue
            self._check(lib.zynqnn_virtual_board_read32(self._open(), word_address, value))
            values[index] = value[0]
        return values.tobytes()

    def write_registers(self, address, data):
        data = bytes(data)
        values = np.frombuffer(data, dtype="<u4")
        for index, word_address in enumerate(self._words(address, len(data))):
            if self._clocks.covers(word_address):
                self._clocks.write(word_address, int(values[index]))
                continue
            self._check(lib.zynqnn_virtual_board_write32(self._open(), word_address, int(values[index])))

    # --- what Overlay and Bitstream call ---

    def get_bitfile_metadata(self, bitfile_name, partial=False):
        """PYNQ's own parse of the design's .hwh (the .hwh beside ``bitfile_name``), as PYNQ's
        EmbeddedDevice makes it; its DMAs must sit where the manifest (the virtual board) has them."""
        from pynq.metadata.runtime_metadata_parser import RuntimeMetadataParser
        from pynqmetadata.frontends import Metadata

        hwh = Path(bitfile_name).with_suffix(".hwh")
        if not hwh.is_file():
            raise RuntimeError(f"{bitfile_name}: no .hwh beside it ({hwh}); the virtual board's own is {self.hwh_path}")
        parser = RuntimeMetadataParser(Metadata(input=hwh))
        parser.refresh_hierarchy_dict()
        self._check_addresses(hwh, parser.ip_dict)
        return parser

    def download(self, bitstream, parser=None):
        """A full load: the virtual PL is reloaded (its DMAs reset, the kernel restarts, its
        streams empty), then PYNQ's dictionaries are reset as on a board."""
        self._check(lib.zynqnn_virtual_board_reconfigure(self._open()))
        fclk0 = self._clocks.fclk_mhz(0)
        if abs(fclk0 - self.pl_clock_mhz) > 1e-3 * self.pl_clock_mhz:
            warnings.warn(f"the overlay set FCLK0 to {fclk0:g} MHz; the virtual PL keeps the {self.pl_clock_mhz:g} MHz "
                          f"it was opened with (VirtualPynqDevice(pl_clock_mhz=...))")
        super().post_download(bitstream, parser, self.name)

    def gen_cache(self, bitstream, parser=None):
        """PYNQ caches metadata for later processes on a board; the virtual board has none to keep."""

    def flush(self, bo, offset, ptr, size):
        """The simulated DDR is coherent: nothing to write back."""

    def invalidate(self, bo, offset, ptr, size):
        """The simulated DDR is coherent: nothing to drop."""

    # --- zynqnn's own ---

    @property
    def now_ns(self):
        """The board's clock (modeled or real, as opened)."""
        now = ffi.new("int64_t *")
        self._check(lib.zynqnn_virtual_board_now(self._open(), now))
        return int(now[0])

    def stats(self):
        """The board's counters (frames, transfers, bytes moved, register accesses, ...) as a dict."""
        stats = ffi.new("zynqnn_virtual_board_stats *")
        self._check(lib.zynqnn_virtual_board_stats_get(self._open(), stats))
        return {name: int(getattr(stats, name)) for name in dir(stats)}

    def memory_range(self):
        """The simulated DDR's physical addresses: (base, bytes)."""
        base, size = ffi.new("uint64_t *"), ffi.new("uint64_t *")
        self._check(lib.zynqnn_virtual_board_memory_range(self._open(), base, size))
        return int(base[0]), int(size[0])

    def close(self):
        """Stops the virtual board. Buffers still allocated stay valid memory until they are freed;
        the handle is released with the last of them. Idempotent."""
        if self._closed:
            return
        self._closed = True
        lib.zynqnn_virtual_board_shutdown(self._board)
        self._release_if_unused()
        if pynq.Device.__dict__.get("_active_device") is self:
            del pynq.Device._active_device

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_board", None) is not None:
            self._outstanding.clear()
            self._closed = True
            self._release_if_unused()

    # --- internals ---

    @property
    def pl_clock_mhz(self):
        return self._pl_clock

    def _pl_clock_mhz(self, manifest, requested):
        import json
        self._pl_clock = float(requested) if requested else float(json.loads(manifest.read_text())["clock_mhz"])
        return self._pl_clock

    def _open(self):
        if self._closed:
            raise ClosedError(f"the virtual PYNQ device for {self.manifest_path.parent} is closed")
        return self._board

    @staticmethod
    def _check(status):
        if status != lib.ZYNQNN_OK:
            _raise_for(status)

    @staticmethod
    def _words(address, length):
        if address % 4 or length % 4 or length <= 0:
            raise ValueError(f"register access of {length} bytes at {address:#x}: the virtual board's registers "
                             f"are 32-bit words at 4-byte-aligned addresses")
        return range(address, address + length, 4)

    def _windows(self):
        count = ffi.new("size_t *")
        self._check(lib.zynqnn_virtual_board_window_count(self._board, count))
        window = ffi.new("zynqnn_register_window *")
        windows = {}
        for index in range(count[0]):
            self._check(lib.zynqnn_virtual_board_window_get(self._board, index, window))
            windows[ffi.string(window.name).decode()] = (int(window.base), int(window.size))
        return windows

    def _allocate(self, nbytes, alignment):
        data, physical = ffi.new("void **"), ffi.new("uint64_t *")
        self._check(lib.zynqnn_virtual_board_allocate(self._open(), nbytes, alignment, data, physical))
        self._outstanding.add(int(physical[0]))
        return data[0], int(physical[0])

    def _free(self, physical):
        if physical in self._outstanding:
            self._outstanding.discard(physical)
            self._check(lib.zynqnn_virtual_board_free(self._board, physical))
        self._release_if_unused()

    def _release_if_unused(self):
        if self._closed and not self._outstanding and self._board is not None:
            lib.zynqnn_virtual_board_close(self._board)
            self._board = None

    def _find_or_write_hwh(self, manifest):
        import json
        artifacts = json.loads(manifest.read_text()).get("artifacts", {})
        vivado = manifest.parent / artifacts.get("hwh", "")
        if artifacts.get("hwh") and vivado.is_file():
            return vivado, "vivado"
        kernel = json.loads(manifest.read_text())["kernel"]
        written = write_hwh(manifest, manifest.parent / "pynq" / f"{kernel}.hwh")
        return written, "manifest"

    def _check_addresses(self, hwh, ip_dict):
        for name, (base, _) in self.windows.items():
            entry = ip_dict.get(name)
            if entry is None or entry.get("phys_addr") != base:
                found = "absent" if entry is None else f"at {entry.get('phys_addr'):#x}"
                raise RuntimeError(f"{hwh}: {name} is {found}, but the manifest {self.manifest_path} (what the virtual "
                                   f"board runs) puts it at {base:#x}: the .hwh is of another design")

    def __repr__(self):
        state = "closed" if self._closed else "open"
        return f"VirtualPynqDevice({os.fspath(self.manifest_path.parent)!r}, {state})"
