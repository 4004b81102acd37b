"""PYNQ's own code on the virtual board: PYNQ 3.1.2 from the pinned wheel (Overlay, allocate,
MMIO, pynq.lib.dma), unchanged, drives generated kernels through zynqnn.pynq_device.

Runs in build/pynq-venv (scripts/test-python.sh makes it from python/constraints/pynq.txt: pynq
pins an older protobuf than onnx needs in build/venv). There ZYNQNN_REQUIRE_PYNQ=1 turns a pynq
that cannot be imported into a failure; anywhere else the module is skipped.

Time: PYNQ's DMA wait busy-polls DMASR. The device runs in modeled time (its default), where
every AXI-Lite access costs modeled time, so the poll sees time pass; one test runs in real time."""
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

try:
    import pynq
    from pynq import MMIO, Overlay, allocate
except Exception as error:  # not installed, or not importable off-board
    if os.environ.get("ZYNQNN_REQUIRE_PYNQ") == "1":
        raise RuntimeError(f"pynq is required here (build/pynq-venv) but cannot be imported: {error}") from error
    pytest.skip(f"pynq is not importable ({error}); these tests run in build/pynq-venv (scripts/test-python.sh)",
                allow_module_level=True)

import zynqnn
from zynqnn.pynq_device import VirtualPynqDevice

from conftest import CLI, REPO

DMA_BASE = 0x40400000


def _generate(spec_path, out):
    subprocess.run([str(CLI), "generate", str(spec_path), "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def loopback(tmp_path_factory):
    """The seed example's pass-through (examples/specs/passthrough.json): 1024 int32 words."""
    return _generate(REPO / "examples" / "specs" / "passthrough.json", tmp_path_factory.mktemp("pynq") / "loopback")


@pytest.fixture(scope="module")
def adder(tmp_path_factory):
    """examples/specs/adder.json: sum = a (int16) + b (uint8), 101 elements; two DMAs (axi_dma_1
    has an MM2S channel only)."""
    return _generate(REPO / "examples" / "specs" / "adder.json", tmp_path_factory.mktemp("pynq") / "adder")


@pytest.fixture
def device(loopback):
    dev = VirtualPynqDevice(loopback)
    yield dev
    dev.close()


def _send_and_receive(dma, buf_in, buf_out):
    """The order of PYNQ's DMA tutorials: arm the receive, send, wait for both."""
    dma.recvchannel.transfer(buf_out)
    dma.sendchannel.transfer(buf_in)
    dma.sendchannel.wait()
    dma.recvchannel.wait()


def test_pynq_is_the_pinned_release():
    assert pynq.__version__ == "3.1.2"


def test_the_written_hwh_is_what_pynqs_parsers_read(device, loopback):
    from pynq.pl_server.hwh_parser import _HWHZynq  # PYNQ's parser for the Zynq-7000 (the board's CPU_ARCH)

    assert device.hwh_source == "manifest"
    manifest = json.loads((loopback / "manifest.json").read_text())
    legacy = _HWHZynq(hwh_data=device.hwh_path.read_text(encoding="utf-8-sig"))
    metadata = device.get_bitfile_metadata(str(device.hwh_path))  # pynqmetadata, as EmbeddedDevice parses
    for parser in (legacy, metadata):
        dma = parser.ip_dict["axi_dma_0"]
        assert dma["type"] == "xilinx.com:ip:axi_dma:7.1"
        assert dma["phys_addr"] == DMA_BASE and dma["addr_range"] == 0x10000
        assert parser.clock_dict[0]["enable"] == 1
        assert 1000 / (parser.clock_dict[0]["divisor0"] * parser.clock_dict[0]["divisor1"]) == manifest["clock_mhz"]
    parameters = metadata.ip_dict["axi_dma_0"]["parameters"]
    assert parameters["c_include_sg"] == "0"
    assert parameters["c_sg_length_width"] == str(manifest["dmas"][0]["length_width"])
    assert parameters["c_include_mm2s"] == parameters["c_include_s2mm"] == "1"
    assert parameters["c_m_axi_mm2s_data_width"] == parameters["c_s_axis_s2mm_tdata_width"] == "32"
    assert "passthrough_0" in metadata.ip_dict or "passthrough_0" in {
        core.split("/")[-1] for core in metadata.systemgraph.blocks}


@pytest.mark.parametrize("kernel", ["loopback", "adder"])
def test_zynqnns_hwh_reader_reads_back_the_manifests_dmas(kernel, request):
    folder = request.getfixturevalue(kernel)
    dev = VirtualPynqDevice(folder, make_active=False)
    try:
        inspected = json.loads(subprocess.run([str(CLI), "hwh", "inspect", str(dev.hwh_path), "--json"], check=True,
                                              capture_output=True, text=True).stdout)
    finally:
        dev.close()
    manifest = json.loads((folder / "manifest.json").read_text())
    by_name = {dma["name"]: dma for dma in inspected["dmas"]}
    assert sorted(by_name) == sorted(dma["name"] for dma in manifest["dmas"])
    for dma in manifest["dmas"]:
        read = by_name[dma["name"]]
        assert int(read["base"], 16) == int(dma["base_address"], 16)
        assert int(read["high"], 16) == int(dma["base_address"], 16) + int(dma["address_range"], 16) - 1
        assert read["sg"] is False and read["length_width"] == dma["length_width"]
        for channel, included, bits in (("mm2s", "include_mm2s", "mm2s_bits"), ("s2mm", "include_s2mm", "s2mm_bits")):
            assert (read[channel] is not None) == dma[included]
            if dma[included]:
                assert read[channel]["stream_width"] == dma[bits]
    for stream in manifest["streams"]:  # each stream reaches the kernel's port of its name
        read = by_name[stream["dma"]][stream["channel"]]
        assert read["peer"] == f"{manifest['control']['instance']}.{stream['name']}"


def test_overlay_allocate_and_dma_run_the_loopback_kernel(device):
    ol = Overlay(str(device.hwh_path), device=device)
    assert ol.is_loaded()
    dma = ol.axi_dma_0
    assert isinstance(dma, pynq.lib.dma.DMA)
    buf_in = allocate(shape=(1024,), dtype=np.int32, target=device)
    buf_out = allocate(shape=(1024,), dtype=np.int32, target=device)
    lo, size = device.memory_range()
    assert lo <= buf_in.physical_address < lo + size and buf_in.physical_address % 4096 == 0
    for frame in range(3):
        buf_in[:] = np.arange(1024, dtype=np.int32) * (frame + 3) - 500
        buf_out[:] = 0
        _send_and_receive(dma, buf_in, buf_out)
        np.testing.assert_array_equal(buf_out, buf_in)
        assert dma.recvchannel.transferred == 4096
    stats = device.stats()
    assert stats["frames"] == 3 and stats["mm2s_transfers"] == 3 and stats["s2mm_transfers"] == 3
    assert stats["reconfigurations"] == 1  # Overlay(...) downloaded once
    del buf_in, buf_out
    assert device.stats()["bytes_allocated"] == 0  # PynqBuffer's own freebuffer returned the memory


def test_allocate_on_the_active_device_and_mmio_reads_of_dmasr(device):
    assert pynq.Device.active_device is device
    ol = Overlay(str(device.hwh_path))  # no device given: PYNQ takes the active one
    mmio = MMIO(DMA_BASE, 0x10000)
    assert mmio.read(0x04) & 0x1 == 0x1 and mmio.read(0x34) & 0x1 == 0x1  # after the load: halted (PG021)
    dma = ol.axi_dma_0  # PYNQ binds the driver now, which starts both channels
    assert mmio.read(0x04) & 0x1 == 0 and mmio.read(0x34) & 0x1 == 0
    buf_in, buf_out = allocate(shape=(1024,), dtype=np.int32), allocate(shape=(1024,), dtype=np.int32)
    buf_in[:] = np.arange(1024)
    _send_and_receive(dma, buf_in, buf_out)
    np.testing.assert_array_equal(buf_out, buf_in)
    assert mmio.read(0x04) & 0x1002 == 0x1002  # MM2S: Idle and IOC_Irq
    assert mmio.read(0x34) & 0x1002 == 0x1002
    assert mmio.read(0x58) == 4096  # S2MM_LENGTH: the bytes received
    assert dma.mmio.read(0x34) == mmio.read(0x34)


def test_a_generated_kernel_with_two_dmas(adder):
    with VirtualPynqDevice(adder) as dev:
        ol = Overlay(str(dev.hwh_path), device=dev)
        assert ol.axi_dma_1.recvchannel is None  # axi_dma_1 carries b only
        a = allocate(shape=(102,), dtype=np.int16, target=dev)  # 101 elements, two per 32-bit word
        b = allocate(shape=(104,), dtype=np.uint8, target=dev)  # four per word
        total = allocate(shape=(101,), dtype=np.int32, target=dev)
        rng = np.random.default_rng(7)
        a[:] = 0
        b[:] = 0
        a[:101] = rng.integers(-32768, 32767, 101)
        b[:101] = rng.integers(0, 255, 101)
        ol.axi_dma_0.recvchannel.transfer(total)
        ol.axi_dma_0.sendchannel.transfer(a)
        ol.axi_dma_1.sendchannel.transfer(b)
        ol.axi_dma_0.sendchannel.wait()
        ol.axi_dma_1.sendchannel.wait()
        ol.axi_dma_0.recvchannel.wait()
        np.testing.assert_array_equal(total, a[:101].astype(np.int32) + b[:101].astype(np.int32))


def test_an_address_in_no_window_is_a_clear_error(device):
    Overlay(str(device.hwh_path), device=device)
    with pytest.raises(zynqnn.Error, match=r"0x40410000.*axi_dma_0 \[0x40400000, 0x40410000\)") as caught:
        MMIO(0x40410000, 4, device=device).read(0)
    assert caught.value.status == "out_of_range"
    with pytest.raises(zynqnn.Error, match="write at physical address 0x43c00000"):
        MMIO(0x43C00000, 4, device=device).write(0, 1)


def test_a_download_reloads_the_virtual_pl(device):
    ol = Overlay(str(device.hwh_path), device=device)
    ol.download()
    assert device.stats()["reconfigurations"] == 2
    buf_in = allocate(shape=(1024,), dtype=np.int32, target=device)
    buf_out = allocate(shape=(1024,), dtype=np.int32, target=device)
    buf_in[:] = 11
    dma = Overlay(str(device.hwh_path), device=device).axi_dma_0  # drivers bound after the load
    _send_and_receive(dma, buf_in, buf_out)
    np.testing.assert_array_equal(buf_out, buf_in)


def test_the_folders_vivado_hwh_is_used_when_it_exists(loopback, tmp_path):
    folder = tmp_path / "built"
    shutil.copytree(loopback, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    vivado_hwh = folder / manifest["artifacts"]["hwh"]
    shutil.copy(folder / "pynq" / "passthrough.hwh", vivado_hwh)  # what Vivado's build would leave there
    with VirtualPynqDevice(folder, make_active=False) as dev:
        assert (dev.hwh_source, dev.hwh_path) == ("vivado", vivado_hwh)
        Overlay(str(vivado_hwh), device=dev)


def test_a_hwh_of_another_design_is_refused(device):
    fixtures = Path(os.environ.get("ZYNQNN_FIXTURES_DIR", REPO.parent / "shared" / "fixtures"))
    other = fixtures / "hwh" / "pynq_workshop_dma_tutorial.hwh"
    if not other.is_file():
        pytest.skip(f"the shared fixtures are not at {fixtures}")
    with pytest.raises(RuntimeError, match="axi_dma_0 is absent.*the .hwh is of another design"):
        device.get_bitfile_metadata(str(other))


def test_a_closed_device_refuses_register_accesses(loopback):
    dev = VirtualPynqDevice(loopback, make_active=False)
    buffer = allocate(shape=(16,), dtype=np.uint32, target=dev)
    dev.close()
    buffer[:] = 5  # memory still valid until freed
    with pytest.raises(zynqnn.ClosedError):
        MMIO(DMA_BASE, 4, device=dev).read(0)
    del buffer


@pytest.mark.parametrize("time_mode", ["modeled", "real"])
def test_the_wait_completes_in_either_time(loopback, time_mode):
    with VirtualPynqDevice(loopback, time_mode=time_mode) as dev:
        ol = Overlay(str(dev.hwh_path), device=dev)
        buf_in = allocate(shape=(1024,), dtype=np.int32, target=dev)
        buf_out = allocate(shape=(1024,), dtype=np.int32, target=dev)
        buf_in[:] = np.arange(1024)
        start = dev.now_ns
        done = threading.Thread(target=_send_and_receive, args=(ol.axi_dma_0, buf_in, buf_out), daemon=True)
        done.start()
        done.join(timeout=30)  # PYNQ's wait has no deadline of its own
        assert not done.is_alive(), f"PYNQ's DMA wait did not complete in {time_mode} time"
        np.testing.assert_array_equal(buf_out, buf_in)
        # 1024 words at one per PL cycle (100 MHz) take at least 10.24 us, whichever the clock.
        assert dev.now_ns - start >= 1024 * 1e3 / dev.pl_clock_mhz
