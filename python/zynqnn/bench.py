"""Cost of one Python call: ``python -m zynqnn.bench --calls N [--json]``.

A 784-byte input (uint8 image) and a 40-byte output (10 float32) through
``zynqnn.Accelerator`` on the virtual board (instant kernel, modeled time) and on the null
board (transfers complete at once), and, side by side, the same round trip through PYNQ's
own pure-Python DMA channel code (``pynq.lib.dma._SDMAChannel``, its MMIO replaced by an
in-memory register array that reports completion). Without an importable ``pynq``, the same
register sequence in plain Python over a NumPy register array stands in, labeled so.

Reports the median nanoseconds per call; with ``--instructions`` also instructions per
call counted by ``valgrind --tool=callgrind`` as the difference of two runs (N and 11·N
calls), so that interpreter start-up cancels out.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

IN_BYTES, OUT_FLOATS = 784, 10


def _cli():
    candidates = [os.environ.get("ZYNQNN_CLI"), shutil.which("zynqnn"),
                  str(Path(__file__).resolve().parents[2] / "build" / "bin" / "zynqnn")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("zynqnn.bench: the zynqnn CLI was not found (set ZYNQNN_CLI or build with `make build`)")


def generate_kernel(folder):
    """The benchmark kernel, generated with `zynqnn generate` into `folder` (anew each run: a
    library left by another zynqnn version would not match this one)."""
    manifest = Path(folder) / "out" / "manifest.json"
    shutil.rmtree(manifest.parent, ignore_errors=True)
    Path(folder).mkdir(parents=True, exist_ok=True)
    source = Path(folder) / "bench_kernel.cpp"
    shutil.copy(Path(__file__).with_name("bench_kernel.cpp"), source)
    spec = {"kernel": "bench_784_to_40", "board": "pynq-z1",
            "streams": [{"name": "image", "direction": "in", "type": "uint8", "shape": [IN_BYTES]},
                        {"name": "scores", "direction": "out", "type": "float32", "shape": [OUT_FLOATS]}],
            "compute": {"source": "bench_kernel.cpp", "function": "bench_compute"}}
    (Path(folder) / "spec.json").write_text(json.dumps(spec))
    subprocess.run([_cli(), "generate", str(Path(folder) / "spec.json"), "-o", str(manifest.parent)],
                   check=True, capture_output=True)
    return manifest


# --- the comparison paths ---

class _RegisterArray:
    """PYNQ MMIO stand-in: 32-bit registers in a NumPy array; a LENGTH write completes the
    channel at once (Idle, IOC) and S2MM_LENGTH reads back the bytes armed."""

    def __init__(self):
        self.array = np.zeros(0x60 // 4, dtype=np.uint32)
        self.array[0x04 // 4] = self.array[0x34 // 4] = 0x1  # Halted after reset

    def read(self, offset, length=4):
        return int(self.array[offset >> 2])

    def write(self, offset, value):
        index = offset >> 2
        if offset in (0x04, 0x34):  # DMASR: IRQ bits write-1-to-clear
            self.array[index] &= ~np.uint32(value & 0x7000)
            return
        self.array[index] = value
        if offset in (0x00, 0x30):  # DMACR: RS clears Halted
            status = (offset + 4) >> 2
            self.array[status] = (self.array[status] & ~np.uint32(1)) if value & 1 else (self.array[status] | 1)
        elif offset in (0x28, 0x58) and value:  # LENGTH starts and, here, completes
            self.array[(offset - 0x24) >> 2] |= 0x1002


class _ContiguousArray(np.ndarray):
    """What pynq.allocate returns, minus the allocator: an array with a physical address."""
    physical_address = 0x1000_0000

    def flush(self):
        pass

    def invalidate(self):
        pass


def _pynq_channels():
    try:
        from pynq.lib.dma import DMA_TYPE_RX, DMA_TYPE_TX, _SDMAChannel
    except Exception as error:  # not installed, or it cannot be imported off-board
        return None, f"pynq not importable ({type(error).__name__}: {error})"
    mmio = _RegisterArray()
    send = _SDMAChannel(mmio, (1 << 26) - 1, 4, DMA_TYPE_TX, False)
    recv = _SDMAChannel(mmio, (1 << 26) - 1, 4, DMA_TYPE_RX, False)
    return (send, recv), "pynq.lib.dma._SDMAChannel over an in-memory register array"


def _plain_python_channels():
    class Channel:
        def __init__(self, mmio, offset):
            self.mmio, self.offset = mmio, offset
            mmio.write(offset, 1)

        def transfer(self, array):
            self.mmio.write(self.offset + 0x18, array.physical_address & 0xFFFFFFFF)
            self.mmio.write(self.offset + 0x1C, 0)
            self.mmio.write(self.offset + 0x28, array.nbytes)

        def wait(self):
            while True:
                status = self.mmio.read(self.offset + 4)
                if status & 0x70:
                    raise RuntimeError("DMA error")
                if status & 0x2:
                    break

    mmio = _RegisterArray()
    return (Channel(mmio, 0x00), Channel(mmio, 0x30)), "plain Python register sequence over a NumPy array (pynq not importable)"


def _make_pynq_call():
    channels, label = _pynq_channels()
    if channels is None:
        channels, label = _plain_python_channels()
    send, recv = channels
    in_buf = np.zeros(IN_BYTES, dtype=np.uint8).view(_ContiguousArray)
    out_buf = np.zeros(OUT_FLOATS, dtype=np.float32).view(_ContiguousArray)

    def call(x):
        in_buf[:] = x
        recv.transfer(out_buf)
        send.transfer(in_buf)
        send.wait()
        recv.wait()
        return out_buf.copy()

    return call, label


def _make_zynqnn_call(manifest, board):
    import zynqnn
    acc = zynqnn.Accelerator(manifest, board=board, timeout=1.0)
    return acc.__call__, acc


def _median_ns(call, x, calls, batches=7):
    per_batch = max(1, calls // batches)
    for _ in range(min(per_batch, 50)):
        call(x)  # warm up
    samples = []
    for _ in range(batches):
        start = time.perf_counter_ns()
        for _ in range(per_batch):
            call(x)
        samples.append((time.perf_counter_ns() - start) / per_batch)
    return statistics.median(samples)


def _instructions(path, calls, manifest):
    """Instructions per call of `path` by callgrind: the difference of two runs."""
    if not shutil.which("valgrind"):
        return None
    totals = []
    for n in (calls, 11 * calls):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "callgrind.out"
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-m",
                       "zynqnn.bench", "--only", path, "--calls", str(n), "--manifest", str(manifest), "--plain"]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                raise SystemExit(f"callgrind run failed: {result.stderr[-2000:]}")
            match = re.search(r"^summary:\s+(\d+)", out.read_text(), re.M)
            totals.append(int(match.group(1)))
    return (totals[1] - totals[0]) / (10 * calls)


def _make_call(path, manifest):
    if path == "pynq":
        call, label = _make_pynq_call()
        return call, label, None
    call, acc = _make_zynqnn_call(manifest, path)
    route = "C fast path zynqnn._fast_call" if acc._fast is not None else "CFFI"
    return call, f"zynqnn.Accelerator on the {path} board ({route})", acc


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m zynqnn.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--instructions", action="store_true", help="also count instructions with callgrind")
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "zynqnn-bench"))
    parser.add_argument("--manifest", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["virtual", "null", "pynq"], help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.calls < 1:
        parser.error("--calls must be at least 1")

    manifest = Path(args.manifest) if args.manifest else generate_kernel(args.work_dir)
    x = (np.arange(IN_BYTES) % 251).astype(np.uint8)
    if args.only:  # one path, N calls, nothing else: what callgrind counts
        call, _, _ = _make_call(args.only, manifest)
        for _ in range(args.calls):
            call(x)
        return 0

    report = {"calls": args.calls, "input_bytes": IN_BYTES, "output_bytes": 4 * OUT_FLOATS, "paths": {}}
    for path in ("virtual", "null", "pynq"):
        call, label, acc = _make_call(path, manifest)
        if path == "virtual":  # the null board moves no data: only the virtual board's answer is checked
            expected = np.array([x[(np.arange(IN_BYTES) * 10) // IN_BYTES == k].sum() for k in range(10)], np.float32)
            got = call(x)
            if not np.array_equal(got, expected):
                raise SystemExit(f"zynqnn.bench: wrong output on the {path} board: {got} != {expected}")
        entry = {"label": label, "median_ns_per_call": _median_ns(call, x, args.calls)}
        if args.instructions:
            entry["instructions_per_call"] = _instructions(path, max(100, args.calls // 20), manifest)
        report["paths"][path] = entry
    paths = report["paths"]
    report["ratio_ns_pynq_over_null"] = paths["pynq"]["median_ns_per_call"] / paths["null"]["median_ns_per_call"]
    if args.instructions and paths["null"].get("instructions_per_call"):
        report["ratio_instructions_pynq_over_null"] = (paths["pynq"]["instructions_per_call"] /
                                                       paths["null"]["instructions_per_call"])
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, entry in paths.items():
            instructions = entry.get("instructions_per_call")
            extra = f", {instructions:,.0f} instructions" if instructions else ""
            print(f"{name:8s} {entry['median_ns_per_call']:10,.0f} ns/call{extra}   ({entry['label']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
