#pragma once
// A board's processing system as data: the Zynq PS7 settings the generated block design
// applies itself when Vivado has no board files for the board (Vivado ships none for the
// PYNQ boards), and the IO PLL frequency the PL clocks are divided from.
#include <span>
#include <string_view>

#include "zynqnn/spec/fclk.hpp"
#include "zynqnn/spec/kernel_spec.hpp"

namespace zynqnn::spec {

struct Ps7Setting {
  std::string_view name;   // processing_system7 CONFIG property, without "CONFIG."
  std::string_view value;
};

struct Ps7Board {
  double io_pll_mhz = 0;  // the IO PLL the FCLKs divide (PCW_IO_IO_PLL_FREQMHZ)
  // Input clock, DDR part and timing, bank voltages and the MIO peripherals of the board.
  std::span<const Ps7Setting> settings;
};

// The processing system of a supported board; Error(unsupported) for another.
const Ps7Board& ps7_board(const BoardInfo& board);

// The FCLK_CLK0 the board's processing system makes for a requested PL clock.
FclkChoice board_fclk(const BoardInfo& board, double requested_mhz);

}  // namespace zynqnn::spec
