"""A Vivado hardware handoff (.hwh) for a generated folder, written from its manifest.

A generated folder has no .hwh until Vivado builds the block design (``vivado/build.sh``).
PYNQ's ``Overlay`` needs one, so for the virtual board this module describes the design that
``vivado/build_bd.tcl`` builds, in the format Vivado writes (the model: real .hwh files of
Vivado 2020.1 designs): the processing system (PS7, its FCLK0 and divisors, the register
map of the AXI-Lite slaves and the DDR the DMAs reach through S_AXI_HP0), each AXI DMA with
its parameters (``C_INCLUDE_SG=0``, the channels, widths, ``C_SG_LENGTH_WIDTH``, base and
high address), the kernel IP, and the AXI4-Stream connections between them. The interrupt
controller is left out: the virtual board raises no interrupts and PYNQ's DMA driver then
polls, as it does on a board whose DMAs have no interrupt wired.

Read back by PYNQ's own parsers (``pynq.pl_server.hwh_parser.HWH`` and ``pynqmetadata``) and by
zynqnn's (``zynqnn hwh inspect``) in python/tests/test_pynq_device.py."""
import json
import xml.etree.ElementTree as ET
from pathlib import Path

_PS = "processing_system7_0"
_IO_PLL_MHZ = 1000.0  # PYNQ-Z1/Z2: 50 MHz PS_CLK x 20; the FCLKs divide it
_DDR_BASE, _DDR_HIGH = 0x00000000, 0x1FFFFFFF  # 512 MB
_AXIS = "xilinx.com:interface:axis:1.0"
_AXIMM = "xilinx.com:interface:aximm:1.0"


def fclk_divisors(clock_mhz):
    """The two 6-bit divisors of the IO PLL that make ``clock_mhz`` (the closest product: the
    manifest's clock is one the block design reaches exactly)."""
    best = None
    for div1 in range(1, 64):
        for div0 in range(1, 64):
            error = abs(_IO_PLL_MHZ / (div0 * div1) - clock_mhz)
            if best is None or error < best[0] - 1e-9:
                best = (error, div0, div1)
    return best[1], best[2]


def _parameters(parent, values):
    element = ET.SubElement(parent, "PARAMETERS")
    for name, value in values.items():
        ET.SubElement(element, "PARAMETER", NAME=name, VALUE=str(value))


def _module(modules, instance, vlnv, modtype, parameters):
    module = ET.SubElement(modules, "MODULE", FULLNAME="/" + instance, INSTANCE=instance, IPTYPE="PERIPHERAL",
                           IS_ENABLE="1", MODCLASS="PERIPHERAL", MODTYPE=modtype, VLNV=vlnv,
                           HWVERSION=vlnv.rsplit(":", 1)[1])
    _parameters(module, parameters)
    return module


def _bus(interfaces, name, busname, kind, vlnv, **parameters):
    bus = ET.SubElement(interfaces, "BUSINTERFACE", BUSNAME=busname, NAME=name, TYPE=kind, VLNV=vlnv)
    _parameters(bus, parameters)
    return bus


def _memrange(memory_map, instance, base, size, master, slave, memtype="REGISTER", block="Reg"):
    ET.SubElement(memory_map, "MEMRANGE", ADDRESSBLOCK=block, BASENAME="C_BASEADDR", BASEVALUE=f"0x{base:08X}",
                  HIGHNAME="C_HIGHADDR", HIGHVALUE=f"0x{base + size - 1:08X}", INSTANCE=instance,
                  IS_DATA="TRUE", IS_INSTRUCTION="FALSE" if memtype == "REGISTER" else "TRUE",
                  MASTERBUSINTERFACE=master, MEMTYPE=memtype, SLAVEBUSINTERFACE=slave)


def _stream_busname(stream):
    return f"{stream['dma']}_{'M_AXIS_MM2S' if stream['direction'] == 'in' else 'S_AXIS_S2MM'}"


def _processing_system(modules, manifest):
    clock = float(manifest["clock_mhz"])
    div0, div1 = fclk_divisors(clock)
    ps = _module(modules, _PS, "xilinx.com:ip:processing_system7:5.5", "processing_system7", {
        "PCW_FPGA0_PERIPHERAL_FREQMHZ": f"{float(manifest.get('requested_clock_mhz', clock)):g}",
        "PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ": f"{_IO_PLL_MHZ / (div0 * div1):.6f}",
        "PCW_FCLK0_PERIPHERAL_DIVISOR0": div0, "PCW_FCLK0_PERIPHERAL_DIVISOR1": div1,
        "PCW_FPGA_FCLK0_ENABLE": 1, "PCW_EN_CLK0_PORT": 1,
        **{f"PCW_FPGA_FCLK{k}_ENABLE": 0 for k in (1, 2, 3)},
        **{f"PCW_EN_CLK{k}_PORT": 0 for k in (1, 2, 3)},
        **{f"PCW_FCLK{k}_PERIPHERAL_DIVISOR{d}": 1 for k in (1, 2, 3) for d in (0, 1)},
        "PCW_USE_M_AXI_GP0": 1, "PCW_USE_S_AXI_HP0": 1, "PCW_S_AXI_HP0_DATA_WIDTH": 64,
        "PCW_IRQ_F2P_INTR": 0, "EDK_IPTYPE": "PERIPHERAL",
    })
    interfaces = ET.SubElement(ps, "BUSINTERFACES")
    _bus(interfaces, "M_AXI_GP0", "processing_system7_0_M_AXI_GP0", "MASTER", _AXIMM)
    _bus(interfaces, "S_AXI_HP0", "axi_mem_intercon_M00_AXI", "SLAVE", _AXIMM)
    memory_map = ET.SubElement(ps, "MEMORYMAP")
    for dma in manifest["dmas"]:
        _memrange(memory_map, dma["name"], int(dma["base_address"], 16), int(dma["address_range"], 16),
                  "M_AXI_GP0", "S_AXI_LITE")
    control = manifest["control"]
    if control.get("mode") == "axilite":
        _memrange(memory_map, control["instance"], int(control["base_address"], 16),
                  int(control["address_range"], 16), "M_AXI_GP0", "s_axi_control")


def _dma(modules, dma):
    base, size = int(dma["base_address"], 16), int(dma["address_range"], 16)
    mm2s_bits = dma["mm2s_bits"] if dma["include_mm2s"] else 32
    s2mm_bits = dma["s2mm_bits"] if dma["include_s2mm"] else 32
    # Vivado lists the HDL generics (upper case), then the IP's configuration (lower case: what
    # PYNQ's DMA driver reads), then the address map.
    configuration = {
        "C_INCLUDE_SG": int(bool(dma["include_sg"])), "C_SG_LENGTH_WIDTH": dma["length_width"], "C_MICRO_DMA": 0,
        "C_INCLUDE_MM2S": int(dma["include_mm2s"]), "C_M_AXI_MM2S_DATA_WIDTH": mm2s_bits,
        "C_M_AXIS_MM2S_TDATA_WIDTH": mm2s_bits, "C_INCLUDE_MM2S_DRE": 0,
        "C_INCLUDE_S2MM": int(dma["include_s2mm"]), "C_M_AXI_S2MM_DATA_WIDTH": s2mm_bits,
        "C_S_AXIS_S2MM_TDATA_WIDTH": s2mm_bits, "C_INCLUDE_S2MM_DRE": 0, "C_ADDR_WIDTH": 32,
    }
    module = _module(modules, dma["name"], "xilinx.com:ip:axi_dma:7.1", "axi_dma", {
        **configuration, "C_FAMILY": "zynq", "Component_Name": f"design_1_{dma['name']}_0",
        **{name.lower(): value for name, value in configuration.items()},
        "c_mm2s_burst_size": 16, "c_s2mm_burst_size": 16,
        "EDK_IPTYPE": "PERIPHERAL", "C_BASEADDR": f"0x{base:08X}", "C_HIGHADDR": f"0x{base + size - 1:08X}",
    })
    interfaces = ET.SubElement(module, "BUSINTERFACES")
    _bus(interfaces, "S_AXI_LITE", f"ps7_0_axi_periph_{dma['name']}", "SLAVE", _AXIMM, ADDR_WIDTH=10)
    memory_map = ET.SubElement(module, "MEMORYMAP")
    if dma["include_mm2s"]:
        _bus(interfaces, "M_AXI_MM2S", f"{dma['name']}_M_AXI_MM2S", "MASTER", _AXIMM)
        _bus(interfaces, "M_AXIS_MM2S", f"{dma['name']}_M_AXIS_MM2S", "INITIATOR", _AXIS,
             TDATA_NUM_BYTES=mm2s_bits // 8)
        _memrange(memory_map, _PS, _DDR_BASE, _DDR_HIGH + 1, "M_AXI_MM2S", "S_AXI_HP0", "MEMORY", "HP0_DDR_LOWOCM")
    if dma["include_s2mm"]:
        _bus(interfaces, "M_AXI_S2MM", f"{dma['name']}_M_AXI_S2MM", "MASTER", _AXIMM)
        _bus(interfaces, "S_AXIS_S2MM", f"{dma['name']}_S_AXIS_S2MM", "TARGET", _AXIS,
             TDATA_NUM_BYTES=s2mm_bits // 8)
        _memrange(memory_map, _PS, _DDR_BASE, _DDR_HIGH + 1, "M_AXI_S2MM", "S_AXI_HP0", "MEMORY", "HP0_DDR_LOWOCM")


def _kernel(modules, manifest):
    control = manifest["control"]
    instance, kernel = control["instance"], manifest["kernel"]
    module = _module(modules, instance, f"zynqnn.org:hls:{kernel}:1.0", kernel,
                     {"Component_Name": f"{kernel}_{instance}", "EDK_IPTYPE": "PERIPHERAL"})
    interfaces = ET.SubElement(module, "BUSINTERFACES")
    if control.get("mode") == "axilite":
        _bus(interfaces, "s_axi_control", f"ps7_0_axi_periph_{instance}", "SLAVE", _AXIMM)
    for stream in manifest["streams"]:
        _bus(interfaces, stream["name"], _stream_busname(stream),
             "TARGET" if stream["direction"] == "in" else "INITIATOR", _AXIS,
             TDATA_NUM_BYTES=stream["stream_bits"] // 8)


def hwh_text(manifest):
    """The .hwh of the design the manifest (a dict, as in manifest.json) describes."""
    root = ET.Element("EDKSYSTEM", EDWVERSION="1.2", TIMESTAMP="", VIVADOVERSION="2020.1")
    ET.SubElement(root, "SYSTEMINFO", ARCH="zynq", DEVICE="7z020", NAME=manifest["kernel"], PACKAGE="clg400",
                  SPEEDGRADE="-1")
    ET.SubElement(root, "EXTERNALPORTS")
    modules = ET.SubElement(root, "MODULES")
    _processing_system(modules, manifest)
    for dma in manifest["dmas"]:
        _dma(modules, dma)
    _kernel(modules, manifest)
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_hwh(manifest_path, hwh_path):
    """Writes the .hwh of the manifest at ``manifest_path`` to ``hwh_path`` (UTF-8 with a BOM, as
    Vivado writes it) and returns ``hwh_path``."""
    manifest = json.loads(Path(manifest_path).read_text())
    hwh_path = Path(hwh_path)
    hwh_path.parent.mkdir(parents=True, exist_ok=True)
    hwh_path.write_text("\ufeff" + hwh_text(manifest), encoding="utf-8")
    return hwh_path
