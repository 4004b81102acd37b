#include "zynqnn/spec/board_ps7.hpp"

#include <array>
#include <string>

#include "zynqnn/core/error.hpp"

namespace zynqnn::spec {
namespace {

// The values Vivado records for the processing system of a PYNQ-Z2 design made with the
// board's preset (its hardware handoff): 50 MHz PS_CLK, DDR3 MT41J256M16 RE-125 on a 16-bit
// bus at 525 MHz with the board's trace delays, bank 500 at 3.3 V and 501 at 1.8 V, and the
// MIO peripherals Linux on the board uses (QSPI flash, Ethernet, SD card, UART0, USB0).
// The IO PLL runs at 1000 MHz with these settings.
constexpr std::array pynq_z2_settings{
    Ps7Setting{"PCW_CRYSTAL_PERIPHERAL_FREQMHZ", "50"},
    Ps7Setting{"PCW_APU_PERIPHERAL_FREQMHZ", "650"},
    Ps7Setting{"PCW_PRESET_BANK0_VOLTAGE", "LVCMOS 3.3V"},
    Ps7Setting{"PCW_PRESET_BANK1_VOLTAGE", "LVCMOS 1.8V"},
    Ps7Setting{"PCW_UIPARAM_DDR_MEMORY_TYPE", "DDR 3"},
    Ps7Setting{"PCW_UIPARAM_DDR_PARTNO", "MT41J256M16 RE-125"},
    Ps7Setting{"PCW_UIPARAM_DDR_FREQ_MHZ", "525"},
    Ps7Setting{"PCW_UIPARAM_DDR_BUS_WIDTH", "16 Bit"},
    Ps7Setting{"PCW_UIPARAM_DDR_DRAM_WIDTH", "16 Bits"},
    Ps7Setting{"PCW_UIPARAM_DDR_DEVICE_CAPACITY", "4096 MBits"},
    Ps7Setting{"PCW_UIPARAM_DDR_SPEED_BIN", "DDR3_1066F"},
    Ps7Setting{"PCW_UIPARAM_DDR_BANK_ADDR_COUNT", "3"},
    Ps7Setting{"PCW_UIPARAM_DDR_ROW_ADDR_COUNT", "15"},
    Ps7Setting{"PCW_UIPARAM_DDR_COL_ADDR_COUNT", "10"},
    Ps7Setting{"PCW_UIPARAM_DDR_CL", "7"},
    Ps7Setting{"PCW_UIPARAM_DDR_CWL", "6"},
    Ps7Setting{"PCW_UIPARAM_DDR_T_RCD", "7"},
    Ps7Setting{"PCW_UIPARAM_DDR_T_RP", "7"},
    Ps7Setting{"PCW_UIPARAM_DDR_T_RC", "48.91"},
    Ps7Setting{"PCW_UIPARAM_DDR_T_RAS_MIN", "35.0"},
    Ps7Setting{"PCW_UIPARAM_DDR_T_FAW", "40.0"},
    Ps7Setting{"PCW_UIPARAM_DDR_BL", "8"},
    Ps7Setting{"PCW_UIPARAM_DDR_ECC", "Disabled"},
    Ps7Setting{"PCW_UIPARAM_DDR_HIGH_TEMP", "Normal (0-85)"},
    Ps7Setting{"PCW_UIPARAM_DDR_TRAIN_WRITE_LEVEL", "1"},
    Ps7Setting{"PCW_UIPARAM_DDR_TRAIN_READ_GATE", "1"},
    Ps7Setting{"PCW_UIPARAM_DDR_TRAIN_DATA_EYE", "1"},
    Ps7Setting{"PCW_UIPARAM_DDR_USE_INTERNAL_VREF", "0"},
    Ps7Setting{"PCW_UIPARAM_DDR_BOARD_DELAY0", "0.279"},
    Ps7Setting{"PCW_UIPARAM_DDR_BOARD_DELAY1", "0.260"},
    Ps7Setting{"PCW_UIPARAM_DDR_BOARD_DELAY2", "0.085"},
    Ps7Setting{"PCW_UIPARAM_DDR_BOARD_DELAY3", "0.092"},
    Ps7Setting{"PCW_UIPARAM_DDR_DQS_TO_CLK_DELAY_0", "-0.051"},
    Ps7Setting{"PCW_UIPARAM_DDR_DQS_TO_CLK_DELAY_1", "-0.006"},
    Ps7Setting{"PCW_UIPARAM_DDR_DQS_TO_CLK_DELAY_2", "-0.009"},
    Ps7Setting{"PCW_UIPARAM_DDR_DQS_TO_CLK_DELAY_3", "-0.033"},
    Ps7Setting{"PCW_QSPI_PERIPHERAL_ENABLE", "1"},
    Ps7Setting{"PCW_QSPI_QSPI_IO", "MIO 1 .. 6"},
    Ps7Setting{"PCW_QSPI_GRP_SINGLE_SS_ENABLE", "1"},
    Ps7Setting{"PCW_QSPI_GRP_SINGLE_SS_IO", "MIO 1 .. 6"},
    Ps7Setting{"PCW_SINGLE_QSPI_DATA_MODE", "x4"},
    Ps7Setting{"PCW_QSPI_GRP_FBCLK_ENABLE", "1"},
    Ps7Setting{"PCW_QSPI_GRP_FBCLK_IO", "MIO 8"},
    Ps7Setting{"PCW_QSPI_PERIPHERAL_FREQMHZ", "200"},
    Ps7Setting{"PCW_ENET0_PERIPHERAL_ENABLE", "1"},
    Ps7Setting{"PCW_ENET0_ENET0_IO", "MIO 16 .. 27"},
    Ps7Setting{"PCW_ENET0_GRP_MDIO_ENABLE", "1"},
    Ps7Setting{"PCW_ENET0_GRP_MDIO_IO", "MIO 52 .. 53"},
    Ps7Setting{"PCW_ENET0_PERIPHERAL_FREQMHZ", "1000 Mbps"},
    Ps7Setting{"PCW_ENET_RESET_ENABLE", "1"},
    Ps7Setting{"PCW_ENET_RESET_SELECT", "Share reset pin"},
    Ps7Setting{"PCW_ENET0_RESET_ENABLE", "1"},
    Ps7Setting{"PCW_ENET0_RESET_IO", "MIO 9"},
    Ps7Setting{"PCW_SD0_PERIPHERAL_ENABLE", "1"},
    Ps7Setting{"PCW_SD0_SD0_IO", "MIO 40 .. 45"},
    Ps7Setting{"PCW_SD0_GRP_CD_ENABLE", "1"},
    Ps7Setting{"PCW_SD0_GRP_CD_IO", "MIO 47"},
    Ps7Setting{"PCW_SDIO_PERIPHERAL_FREQMHZ", "50"},
    Ps7Setting{"PCW_UART0_PERIPHERAL_ENABLE", "1"},
    Ps7Setting{"PCW_UART0_UART0_IO", "MIO 14 .. 15"},
    Ps7Setting{"PCW_UART0_BAUD_RATE", "115200"},
    Ps7Setting{"PCW_UART_PERIPHERAL_FREQMHZ", "100"},
    Ps7Setting{"PCW_USB0_PERIPHERAL_ENABLE", "1"},
    Ps7Setting{"PCW_USB0_USB0_IO", "MIO 28 .. 39"},
    Ps7Setting{"PCW_USB0_PERIPHERAL_FREQMHZ", "60"},
    Ps7Setting{"PCW_USB_RESET_ENABLE", "1"},
    Ps7Setting{"PCW_USB_RESET_SELECT", "Share reset pin"},
    Ps7Setting{"PCW_USB0_RESET_ENABLE", "1"},
    Ps7Setting{"PCW_USB0_RESET_IO", "MIO 46"},
    Ps7Setting{"PCW_GPIO_MIO_GPIO_ENABLE", "1"},
};

// The PYNQ-Z1 has the same processing-system side as the PYNQ-Z2 (50 MHz PS_CLK, a 16-bit
// DDR3 of 512 MB, the same MIO assignment), so it gets the same settings; its own DDR trace
// delays were not available, so the PYNQ-Z2's are used (the DDR training steps stay on).
constexpr Ps7Board pynq{1000.0, pynq_z2_settings};

}  // namespace

const Ps7Board& ps7_board(const BoardInfo& board) {
  if (board.name == "pynq-z1" || board.name == "pynq-z2") return pynq;
  throw Error(ErrorCode::unsupported, "no processing-system settings for board '" + board.name + "'", "ps7_board");
}

FclkChoice board_fclk(const BoardInfo& board, double requested_mhz) {
  return reachable_fclk(requested_mhz, ps7_board(board).io_pll_mhz);
}

}  // namespace zynqnn::spec
